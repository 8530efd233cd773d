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
