/**
 * Faults for the fuzz area: a proxy breaks one rule for some inputs only, and the default fuzz
 * budget must find such an input and name the requirement. fuzz.test.ts runs them (the login
 * character faults with a check of the shrunk counterexample and its replay); the benchmark runs
 * them too. Real tokens come from the traffic the proxy carries (auth-proxy.ts), so no fault needs
 * the server's credentials or secret.
 */
import { json, pathOf, type ProxiedRequest } from '../harness/fault-proxy';
import type { BenignCase, FaultCase } from '../harness/fault-cases';
import { acceptsOnCurrentUser, copy, formOf, isLogin, trafficFault } from './auth-proxy';

/** The username of a form-encoded login. */
const usernameOf = (req: ProxiedRequest) => (isLogin(req) ? (formOf(req).get('username') ?? undefined) : undefined);
const injected = () => json(500, { detail: 'injected fault' });

export interface ShrinkCase extends FaultCase {
  breaks: 'FUZZ-LOGIN';
  /** Whether the shrunk counterexample (as the failure prints it, parsed) holds only what the fault needs. */
  minimal(counterexample: unknown): boolean;
}

/**
 * A minimal login case for a fault on one character of the username: a form with the username alone,
 * which is that one character, or (when the case was found among near misses of the fuzz user's name,
 * a branch shrinking cannot leave) the fuzz user's name or id with only that one character added.
 */
function usernameOnly(char: (c: string) => boolean) {
  return (counterexample: unknown): boolean => {
    const c = counterexample as { intent?: string; fields?: Array<[string, unknown]>; body?: string; contentType?: string };
    if (
      c.intent !== 'other' ||
      c.body !== 'form' ||
      c.contentType !== undefined ||
      c.fields?.length !== 1 ||
      c.fields[0][0] !== 'username'
    )
      return false;
    const value = c.fields[0][1] as string | { edit?: { append?: string; prepend?: string } };
    const added = typeof value === 'string' ? value : (value.edit?.append ?? value.edit?.prepend);
    return added !== undefined && [...added].length === 1 && char(added);
  };
}

export const shrinkFaults: ShrinkCase[] = [
  {
    breaks: 'FUZZ-LOGIN',
    fault: 'login answers 500 to usernames with a non-ASCII character',
    proxy: { request: (req) => (/[^\x00-\x7f]/.test(usernameOf(req) ?? '') ? injected() : undefined) },
    minimal: usernameOnly((ch) => ch.codePointAt(0)! > 0x7f),
  },
  {
    breaks: 'FUZZ-LOGIN',
    fault: 'login accepts any password for usernames with trailing whitespace (answering a real token)',
    // The answer is the admin's own login, which the suite's setup made through the proxy first.
    proxy: trafficFault((traffic) => ({
      request: (req) => (traffic.adminLogin && /\s$/u.test(usernameOf(req) ?? '') ? copy(traffic.adminLogin) : undefined),
    })),
    minimal: usernameOnly((ch) => /^\s$/u.test(ch)),
  },
];

export const faults: FaultCase[] = [
  ...shrinkFaults,
  {
    breaks: 'FUZZ-LOGIN',
    fault: 'failed logins echo the submitted username',
    proxy: {
      response: (res, req) => {
        const username = usernameOf(req);
        return res.status === 401 && username !== undefined
          ? json(401, { detail: ['CredentialsNotValid', `invalid password for ${username}`] })
          : res;
      },
    },
  },
  {
    breaks: 'FUZZ-AUTH-HEADER',
    fault: 'a protected operation answers 500 to an Authorization header with a tab inside',
    proxy: { request: (req) => (String(req.headers.authorization ?? '').includes('\t') ? injected() : undefined) },
  },
  {
    breaks: 'FUZZ-AUTH-HEADER',
    fault: 'signatures are not verified: any JWS the server did not issue is accepted as the account it claims',
    proxy: acceptsOnCurrentUser((jwt) => jwt !== undefined),
  },
  {
    breaks: 'FUZZ-API-TOKEN',
    fault: 'api_token answers 500 to a negative expires_in',
    proxy: {
      request: (req) =>
        pathOf(req) === '/api/v1/api_token' &&
        new URL(req.url, 'http://x').searchParams.getAll('expires_in').some((v) => /^-0*[1-9]\d*$/.test(v))
          ? injected()
          : undefined,
    },
  },
  {
    breaks: 'FUZZ-API-TOKEN',
    fault: 'api_token clamps an expires_in above the maximum to the maximum instead of refusing it',
    proxy: {
      request: (req) =>
        pathOf(req) === '/api/v1/api_token'
          ? {
              ...req,
              url: req.url.replace(/([?&]expires_in=)(\d+)(?=&|$)/g, (m, name: string, n: string) =>
                BigInt(n) > 604_800n ? `${name}604800` : m,
              ),
            }
          : undefined,
    },
  },
];

export const benign: BenignCase[] = [
  {
    change: 'refusals carry WWW-Authenticate and extra JSON fields',
    grep: 'FUZZ-',
    proxy: {
      response: (res) => {
        if (res.status < 400) return res;
        let body = res.body;
        try {
          const parsed = JSON.parse(res.body.toString('utf8'));
          if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
            body = Buffer.from(JSON.stringify({ ...parsed, 'x-request-id': 'benign' }));
        } catch {
          /* not JSON: unchanged */
        }
        return { ...res, body, headers: [...res.headers, ['www-authenticate', 'Bearer realm="zenml"']] };
      },
    },
  },
];
