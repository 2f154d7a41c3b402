/** Request headers by lower-case name, as node:http gives them (API Gateway's lower-cased). */
export type RequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * The API key a request presents: `x-api-key`, else `Authorization: Bearer <key>` (as the
 * seeds send it). One rule for the local server and the Lambda authorizer.
 */
export const presentedKey = (headers: RequestHeaders): string | undefined => {
  const header = headers['x-api-key'];
  if (typeof header === 'string' && header !== '') return header;
  const authorization = headers.authorization;
  const bearer = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(
    typeof authorization === 'string' ? authorization : '',
  );
  return bearer?.[1];
};
