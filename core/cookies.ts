/**
 * Set-Cookie lines as RFC 6265bis reads them: the name, the value and the attributes (keyed by
 * lower-case name), for the tests of session cookies.
 */
import type { ApiResponse } from './http';

export interface SetCookie {
  name: string;
  value: string;
  attributes: Map<string, string>;
  /** The attributes as sent, for annotations ("HttpOnly; Max-Age=3600; Path=/; SameSite=lax"). */
  attributeText: string;
}

/** Every cookie an answer sets (the client joins repeated Set-Cookie headers with newlines). */
export function setCookies(res: Pick<ApiResponse, 'headers'>): SetCookie[] {
  return (res.headers['set-cookie'] ?? '')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [pair = '', ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const attributes = new Map(
        attrs.map((a): [string, string] => {
          const i = a.indexOf('=');
          return i < 0 ? [a.toLowerCase(), ''] : [a.slice(0, i).toLowerCase(), a.slice(i + 1)];
        }),
      );
      return {
        name: pair.slice(0, eq),
        value: pair.slice(eq + 1).replace(/^"|"$/g, ''),
        attributes,
        attributeText: attrs.join('; '),
      };
    });
}

/** The session cookie among the cookies of a login answer: the one whose value is the access token,
 * else the one named `name` (ZenML's zenml-server-<server id>), else the only one. */
export function sessionCookieOf(cookies: SetCookie[], hints: { token?: string; name?: string }): SetCookie | undefined {
  return (
    cookies.find((c) => hints.token !== undefined && c.value === hints.token) ??
    cookies.find((c) => c.name === hints.name) ??
    (cookies.length === 1 ? cookies[0] : undefined)
  );
}

/** `name=value`, as a browser sends the cookie back. */
export function cookiePair(c: Pick<SetCookie, 'name' | 'value'>): string {
  return `${c.name}=${c.value}`;
}

/**
 * Whether this Set-Cookie removes the cookie from a browser (RFC 6265bis §5.6.1, §5.6.2, §5.7):
 * Max-Age, when it is a valid number, decides (≤ 0 removes); otherwise an Expires at or before `now`
 * (the answer's Date) does. Neither: a session cookie, which stays.
 */
export function removesCookie(c: SetCookie, now: number): boolean {
  const maxAge = c.attributes.get('max-age');
  if (maxAge !== undefined && /^-?\d+$/.test(maxAge.trim())) return Number(maxAge) <= 0;
  const expires = c.attributes.get('expires');
  const at = expires === undefined ? NaN : Date.parse(expires);
  return Number.isFinite(at) && at <= now;
}

/** The path a browser stores the cookie under: its Path, else the directory of the request path
 * (RFC 6265bis §5.1.4, §5.6.4). */
export function cookiePath(c: SetCookie, requestPath: string): string {
  const path = c.attributes.get('path');
  if (path?.startsWith('/')) return path;
  const dir = requestPath.split('?')[0].replace(/\/[^/]*$/, '');
  return dir === '' ? '/' : dir;
}

/** The domain a browser stores the cookie under: its Domain (lower case, no leading dot), or '' for a
 * host-only cookie. */
export function cookieDomain(c: SetCookie): string {
  return (c.attributes.get('domain') ?? '').trim().replace(/^\./, '').toLowerCase();
}
