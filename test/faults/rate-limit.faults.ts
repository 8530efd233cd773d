/**
 * Faults for the login rate limit, in front of the shared rate-limited server (which limits failed
 * logins per client address: the proxy connects upstream from each client's own address). Each breaks
 * one rule of specs/rate-limit.spec.ts; rate-limit.test.ts runs them, the benchmark too.
 */
import { json, type ProxiedRequest } from '../harness/fault-proxy';
import type { BenignCase, FaultCase } from '../harness/fault-cases';
import { formOf, isLogin } from './auth-proxy';

const GREP = 'RATE-LIMIT-';
const limited = () => json(429, { detail: 'Minute request limit exceeded.' });

/** Successful logins per client address, as the proxy saw them. */
function countingSuccesses(): { request: (req: ProxiedRequest) => ReturnType<typeof limited> | undefined } {
  const seen = new Map<string, number>();
  return {
    request: (req) => {
      if (!isLogin(req) || !formOf(req).get('username')?.includes('-user-')) return undefined;
      const n = (seen.get(req.client ?? '') ?? 0) + 1;
      seen.set(req.client ?? '', n);
      return n > 3 ? limited() : undefined;
    },
  };
}

export const faults: FaultCase[] = [
  {
    breaks: 'RATE-LIMIT-LOGIN',
    fault: 'no limit: every 429 becomes the 401 the failed login would have had',
    expect: 'finding',
    server: 'rate-limited',
    grep: 'RATE-LIMIT-LOGIN',
    proxy: {
      response: (res) =>
        res.status === 429
          ? json(401, { detail: ['CredentialsNotValid', 'Authentication error: invalid username or password'] })
          : res,
    },
  },
  {
    breaks: 'RATE-LIMIT-RETRY-AFTER',
    fault: 'the 429 says Retry-After: soon',
    expect: 'finding',
    server: 'rate-limited',
    grep: 'RATE-LIMIT-RETRY-AFTER',
    proxy: { response: (res) => (res.status === 429 ? { ...res, headers: [...res.headers, ['retry-after', 'soon']] } : res) },
  },
  {
    breaks: 'RATE-LIMIT-SUCCESS',
    fault: 'successful logins count too: the fourth of a client is refused with 429',
    server: 'rate-limited',
    grep: 'RATE-LIMIT-SUCCESS',
    proxy: countingSuccesses(),
  },
  {
    breaks: 'RATE-LIMIT-NO-SPOOF',
    fault: 'X-Forwarded-For names the client: a claimed address gets a fresh identity',
    server: 'rate-limited',
    grep: 'RATE-LIMIT-NO-SPOOF',
    proxy: {
      request: (req) => {
        const claimed = req.headers['x-forwarded-for'];
        // The claimed address becomes the connection's: another loopback address, as a trusting proxy would make it.
        return typeof claimed === 'string' ? { ...req, client: `127.99.${claimed.split('.').slice(2).join('.')}` } : undefined;
      },
    },
  },
  {
    breaks: 'RATE-LIMIT-PER-CLIENT',
    fault: "the test's clients are one: the proxy connects upstream for all of them from one address",
    server: 'rate-limited',
    grep: 'RATE-LIMIT-PER-CLIENT',
    // Not 127.0.0.1: that would lock out every other run sharing the server.
    proxy: { request: (req) => (req.client && req.client !== '127.0.0.1' ? { ...req, client: '127.66.0.1' } : undefined) },
  },
];

export const benign: BenignCase[] = [
  {
    change: 'the 429 carries Retry-After: 60 and a JSON body with more fields',
    server: 'rate-limited',
    grep: GREP,
    proxy: {
      response: (res) =>
        res.status === 429
          ? json(429, { detail: 'Minute request limit exceeded.', retry_after: 60 }, [['retry-after', '60']])
          : res,
    },
  },
];
