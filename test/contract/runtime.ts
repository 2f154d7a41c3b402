/** What a contract case sends and what it reads back, on either runtime. */
export interface ContractRequest {
  readonly method: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface ContractResponse {
  readonly status: number;
  /** By lower-case name. */
  readonly headers: Readonly<Record<string, string>>;
  // biome-ignore lint/suspicious/noExplicitAny: cases read answer fields freely, then assert.
  readonly json: any;
}
