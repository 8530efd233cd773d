/**
 * Request contexts that keep no cookies between requests. Playwright's APIRequestContext stores
 * every Set-Cookie it receives and sends it with the next requests; ZenML reads its session cookie
 * before the Authorization header, so a cookie from one login, kept for a moment, made requests sent
 * at the same time with the admin's bearer act as the user who had just logged in. Clearing the jar
 * after the answer leaves that moment open; here each context serves one request at a time and is
 * cleared before its next, so no request ever carries a cookie it did not set itself.
 */
import type { APIRequestContext } from '@playwright/test';
import type { HttpContext, HttpResponse } from './client';

export interface CookielessContext extends HttpContext {
  dispose(): Promise<void>;
}

export function cookieless(make: () => Promise<APIRequestContext>): CookielessContext {
  const idle: APIRequestContext[] = [];
  const all: Array<Promise<APIRequestContext>> = [];
  const acquire = (): Promise<APIRequestContext> => {
    const ready = idle.pop();
    if (ready) return Promise.resolve(ready);
    const made = make();
    all.push(made);
    return made;
  };
  return {
    async fetch(url, options): Promise<HttpResponse> {
      const ctx = await acquire();
      try {
        const response = await ctx.fetch(url, options);
        // Read before the context serves another request; the body is buffered by Playwright.
        const text = await response.text();
        if (response.headersArray().some((h) => h.name.toLowerCase() === 'set-cookie')) await ctx.clearCookies();
        return {
          status: () => response.status(),
          headers: () => response.headers(),
          headersArray: () => response.headersArray(),
          text: () => Promise.resolve(text),
        };
      } finally {
        idle.push(ctx);
      }
    },
    // Nothing is ever kept.
    clearCookies: () => Promise.resolve(),
    async dispose(): Promise<void> {
      idle.length = 0;
      const made = await Promise.allSettled(all);
      await Promise.all(made.flatMap((r) => (r.status === 'fulfilled' ? [r.value.dispose()] : [])));
    },
  };
}
