/**
 * A curl line that sends a recorded exchange again, for a reviewer reproducing a failure. The
 * exchange is already redacted, so every secret in it is a shell variable the reader sets first
 * ($TOKEN for a bearer, $SESSION for a cookie, $CSRF_TOKEN, $PASSWORD, $API_KEY): the line carries
 * no secret, and it still says where each one goes.
 */
import type { Exchange } from './http';
import { REDACTED } from './redaction';

/** Inside double quotes the shell still expands $VAR but nothing else we write. */
const dq = (s: string) => `"${s.replace(/(["\\`])/g, '\\$1').replace(/\$(?!\{[A-Z_]+\})/g, '\\$')}"`;

/** The shell variable a redacted value stands for, by where it was found. */
function variable(where: string): string {
  const w = where.toLowerCase();
  if (w === 'authorization') return '${TOKEN}';
  if (w === 'cookie') return '${SESSION}';
  if (w === 'x-csrf-token') return '${CSRF_TOKEN}';
  if (/key/.test(w)) return '${API_KEY}';
  if (w === 'device_code' || w === 'user_code') return `\${${w.toUpperCase()}}`;
  if (/token/.test(w)) return '${TOKEN}';
  return '${PASSWORD}';
}

/** Replace each [REDACTED] with the variable its header, or its form or JSON field, names. */
/** `where`: 'url', 'body', or the name of the header the text is the value of. */
function withVariables(text: string, where: string): string {
  if (!text.includes(REDACTED)) return text;
  if (where !== 'url' && where !== 'body') return text.split(REDACTED).join(variable(where));
  return text
    .replace(/([A-Za-z0-9_]+)=\[REDACTED\]/g, (_m, name: string) => `${name}=${variable(name)}`)
    .replace(/"([A-Za-z0-9_]+)"(\s*:\s*)"\[REDACTED\]"/g, (_m, name: string, sep: string) => `"${name}"${sep}"${variable(name)}"`)
    .split(REDACTED)
    .join('${SECRET}');
}

/** `curl` for the exchange (at its origin, or at $BASE_URL where none was recorded). */
export function curlFor(exchange: Exchange): string {
  const { request } = exchange;
  const parts = [
    'curl',
    '-sS',
    '-i',
    '-X',
    request.method,
    dq(`${request.origin ?? '${BASE_URL}'}${withVariables(request.url, 'url')}`),
  ];
  for (const [name, value] of Object.entries(request.headers)) {
    if (/^(content-length|host|user-agent|accept-encoding|accept)$/i.test(name)) continue;
    parts.push('-H', dq(`${name}: ${withVariables(value, name)}`));
  }
  if (request.body !== undefined) parts.push('--data-raw', dq(withVariables(request.body, 'body')));
  return parts.join(' ');
}

/** The variables a curl line needs set, in the order a reader meets them. */
export function curlVariables(line: string): string[] {
  return [...new Set([...line.matchAll(/\$\{([A-Z_]+)\}/g)].map((m) => m[1]))];
}
