import * as z from 'zod';
import { type Match, textDetector } from '../detector.ts';

/** Parameters of the `ip-address` detector. */
export const ipAddressParams = z.strictObject({
  /** Report IPv4 loopback, private and link-local addresses too. */
  include_private: z.boolean().default(true),
});
export type IpAddressParams = z.infer<typeof ipAddressParams>;

const V4 = /(?<![\w.])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?![\w]|\.\d)/g;
// The IPv4 tail is tried before a hex group, and no match stops before `.digit`, so
// `::ffff:192.0.2.1` is one address, not `::ffff:192` and `192.0.2.1`.
// Tried only where a run of hex digits and colons starts (sticky), found from the text's
// colons: a regex scan for it tries every letter a–f of prose, ten times the cost of IPv4.
const V6 = /(?:[0-9A-Fa-f]{0,4}:){2,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{1,4})?(?![\w:]|\.\d)/y;
const NOT_BEFORE_V6 = /[\w:.]/;
const hexOrColon = (c: number): boolean =>
  (c >= 48 && c <= 58) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const HEX_DIGIT = /[0-9A-Fa-f]/;
// Four dotted numbers after these words are versions or builds, not addresses.
const VERSION_CONTEXT =
  /(?:\bv|\bversion|\bver\.?|\bbuild|\brelease|\bfirmware|\bsdk|\bchrome|\bapi)\s*:?\s*$/i;
const OCTET = /^(?:0|[1-9]\d{0,2})$/;

const isOctet = (s: string): boolean => OCTET.test(s) && Number(s) <= 255;

/** Whether a dotted quad is a valid IPv4 address (no leading zeros, octets ≤ 255). */
export const isIpv4 = (s: string): boolean => {
  const parts = s.split('.');
  return parts.length === 4 && parts.every(isOctet);
};

const isPrivateV4 = (a: number, b: number): boolean =>
  a === 10 ||
  a === 127 ||
  (a === 172 && b >= 16 && b <= 31) ||
  (a === 192 && b === 168) ||
  (a === 169 && b === 254);

/** Whether a string is a valid IPv6 address (RFC 4291 text form, optional IPv4 tail). */
export const isIpv6 = (s: string): boolean => {
  const halves = s.split('::');
  if (halves.length > 2) return false;
  const groupsOf = (h: string | undefined): string[] =>
    h === undefined || h === '' ? [] : h.split(':');
  const head = groupsOf(halves[0]);
  const tail = groupsOf(halves[1]);
  const all = [...head, ...tail];
  let count = all.length;
  const last = all[all.length - 1];
  if (last?.includes('.')) {
    if (!isIpv4(last)) return false;
    all.pop();
    count += 1; // an IPv4 tail fills two groups
  }
  if (!all.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return false;
  if (halves.length === 2) return count <= 7;
  return count === 8;
};

/**
 * Finds IPv4 and IPv6 addresses, validated octet by octet and group by group (times such
 * as `10:30:00` and MAC addresses fail the IPv6 grammar). Four dotted numbers right after
 * `version`, `v`, `build` and the like are taken as versions.
 */
export const detectIpAddress = (text: string, params: IpAddressParams): Match[] => {
  const matches: Match[] = [];
  const v6 = text.includes(':') ? detectIpv6(text) : [];
  let k = 0; // both lists are in text order: the IPv6 address that may hold this IPv4 tail
  for (const m of text.matchAll(V4)) {
    const [, a = '', b = '', c = '', d = ''] = m;
    if (!(isOctet(a) && isOctet(b) && isOctet(c) && isOctet(d))) continue;
    while ((v6[k]?.end ?? Number.POSITIVE_INFINITY) <= m.index) k++;
    if ((v6[k]?.start ?? Number.POSITIVE_INFINITY) <= m.index) continue; // an IPv6's tail
    if (VERSION_CONTEXT.test(text.slice(Math.max(0, m.index - 12), m.index))) continue;
    if (!params.include_private && isPrivateV4(Number(a), Number(b))) continue;
    matches.push({ entity: 'IP_ADDRESS', start: m.index, end: m.index + m[0].length });
  }
  matches.push(...v6);
  return matches;
};

const detectIpv6 = (text: string): Match[] => {
  const matches: Match[] = [];
  // An address starts where a run of hex digits and colons starts, after no word
  // character, colon or dot: each run is tried once, from its first colon.
  for (let i = text.indexOf(':'); i !== -1; ) {
    let start = i;
    while (start > 0 && hexOrColon(text.charCodeAt(start - 1))) start--;
    let runEnd = i + 1;
    while (runEnd < text.length && hexOrColon(text.charCodeAt(runEnd))) runEnd++;
    let next = runEnd;
    if (start === 0 || !NOT_BEFORE_V6.test(text[start - 1] ?? '')) {
      V6.lastIndex = start;
      const m = V6.exec(text);
      // `::` alone is notation (`map :: a -> b`), not an address worth reporting.
      if (m !== null && HEX_DIGIT.test(m[0])) {
        next = Math.max(runEnd, start + m[0].length);
        if (m[0].includes('::') || m[0].split(':').length >= 8 || m[0].includes('.')) {
          if (isIpv6(m[0])) {
            matches.push({
              entity: 'IP_ADDRESS',
              start,
              end: start + m[0].length,
              canonical: m[0].toLowerCase(),
            });
          }
        }
      }
    }
    i = text.indexOf(':', next);
  }
  return matches;
};

/** Registry entry of the `ip-address` detector. */
export const ipAddress = textDetector({
  id: 'ip-address',
  target: 'text',
  params: ipAddressParams,
  redacts: true,
  detect: detectIpAddress,
});
