import { createHash } from 'node:crypto';
import { type APIGatewayClient, GetApiKeysCommand } from '@aws-sdk/client-api-gateway';
import type { ApiKeyDirectory } from '#ports/api-keys.ts';

export interface ApiGatewayKeysOptions {
  readonly client: APIGatewayClient;
  /** How long the list of enabled keys is trusted; default 300 s. */
  readonly ttlSeconds?: number;
  /** Least time between reloads forced by an unknown key; default 10 s. */
  readonly missRefreshSeconds?: number;
  readonly now?: () => number;
}

const digest = (key: string): string => createHash('sha256').update(key).digest('hex');

/**
 * API Gateway's own API keys as the source of truth (GetApiKeys with includeValues): the
 * keys a platform team creates, disables or deletes in the usage plan are the keys the
 * authorizer accepts, with no second copy in SSM to keep in step. The enabled set is
 * cached in memory as SHA-256 digests for `ttlSeconds`; an unknown key reloads it at most
 * every `missRefreshSeconds`, so a new key works within seconds and a flood of bad keys
 * cannot hammer the API Gateway control plane (whose rate limit is low). A disabled key
 * stops working within the TTL (plus API Gateway's own authorizer cache).
 */
export class ApiGatewayKeys implements ApiKeyDirectory {
  readonly #client: APIGatewayClient;
  readonly #ttlMs: number;
  readonly #missMs: number;
  readonly #now: () => number;
  #enabled: ReadonlySet<string> = new Set();
  #loadedAt = Number.NEGATIVE_INFINITY;
  #loading: Promise<void> | undefined;

  constructor(options: ApiGatewayKeysOptions) {
    this.#client = options.client;
    this.#ttlMs = (options.ttlSeconds ?? 300) * 1000;
    this.#missMs = (options.missRefreshSeconds ?? 10) * 1000;
    this.#now = options.now ?? Date.now;
  }

  async isEnabled(key: string): Promise<boolean> {
    const age = this.#now() - this.#loadedAt;
    if (age >= this.#ttlMs) await this.#reload();
    const hash = digest(key);
    if (this.#enabled.has(hash)) return true;
    if (this.#now() - this.#loadedAt >= this.#missMs) {
      await this.#reload();
      return this.#enabled.has(hash);
    }
    return false;
  }

  #reload(): Promise<void> {
    this.#loading ??= this.#load().finally(() => {
      this.#loading = undefined;
    });
    return this.#loading;
  }

  async #load(): Promise<void> {
    const enabled = new Set<string>();
    let position: string | undefined;
    do {
      const page = await this.#client.send(
        new GetApiKeysCommand({ includeValues: true, limit: 500, position }),
      );
      for (const item of page.items ?? []) {
        if (item.enabled && item.value) enabled.add(digest(item.value));
      }
      position = page.position;
    } while (position);
    this.#enabled = enabled;
    this.#loadedAt = this.#now();
  }
}
