/**
 * A request context whose connections leave from a chosen local address, for the tests that need
 * more than one client (a login rate limit counts per client address). On a loopback target every
 * 127.0.0.x address is one of this machine's, so one runner can be several clients. Playwright's
 * APIRequestContext cannot bind a local address; this implements the part of it the client uses.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { HttpContext, HttpResponse } from './client';

const TIMEOUT_MS = 30_000;

/** Whether the target can be reached from another loopback address (it listens on loopback). */
export function isLoopback(baseURL: string): boolean {
  const host = new URL(baseURL).hostname;
  return /^127\.\d+\.\d+\.\d+$/.test(host) || host === 'localhost';
}

/**
 * A loopback address of its own for client `n` of run `runId` (127.<a>.<b>.<c>, away from 127.0.0.x):
 * concurrent runs against one server get different ones, so one run's lockout is not another's.
 */
export function clientAddress(runId: string, n: number): string {
  let h = 0x811c9dc5;
  for (const ch of runId) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
  const x = ((h >>> 0) % 0x3fff) * 64 + (n % 63) + 1;
  return `127.${100 + (x >> 16)}.${(x >> 8) & 0xff}.${x & 0xff}`;
}

export function contextFrom(localAddress: string): HttpContext {
  return {
    clearCookies: async () => {},
    fetch: (url, options) =>
      new Promise<HttpResponse>((resolve, reject) => {
        const target = new URL(url);
        const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
        const body = options.data === undefined ? undefined : Buffer.from(options.data);
        const req = send(
          target,
          {
            method: options.method,
            localAddress,
            headers: { ...options.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
            timeout: TIMEOUT_MS,
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const pairs: Array<{ name: string; value: string }> = [];
              for (let i = 0; i < res.rawHeaders.length; i += 2)
                pairs.push({ name: res.rawHeaders[i], value: res.rawHeaders[i + 1] });
              const text = Buffer.concat(chunks).toString('utf8');
              resolve({
                status: () => res.statusCode ?? 0,
                headers: () => Object.fromEntries(pairs.map((p) => [p.name.toLowerCase(), p.value])),
                headersArray: () => pairs,
                text: async () => text,
              });
            });
          },
        );
        req.on('timeout', () => req.destroy(new Error(`no answer from ${target.host} within ${TIMEOUT_MS / 1000} s`)));
        req.on('error', reject);
        req.end(body);
      }),
  };
}
