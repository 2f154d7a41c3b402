/** Which API keys exist and are enabled (API Gateway's own keys on AWS). */
export interface ApiKeyDirectory {
  isEnabled(key: string): Promise<boolean>;
}
