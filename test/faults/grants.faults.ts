/**
 * Faults for explicit and unknown grants (specs/grants.spec.ts) and for ZenML's error contract, which
 * the validating client checks on every answer (zenml/error-contract.ts): each fault breaks one rule,
 * and the run through it must fail that requirement. The error-contract faults run the tests that
 * provoke such answers anyway (bearer, login, API-key, session tests). grants.test.ts runs them; the
 * benchmark runs them too.
 */
import {
  editJson,
  header,
  json,
  withHeader,
  type Fault,
  type ProxiedRequest,
  type ProxiedResponse,
} from '../harness/fault-proxy';
import type { BenignCase, FaultCase } from '../harness/fault-cases';
import { copy, formOf, isLogin, trafficFault } from './auth-proxy';

const GRANT = { password: 'password', apiKey: 'zenml-api-key', device: 'urn:ietf:params:oauth:grant-type:device_code' };

const grantOf = (req: ProxiedRequest) => (isLogin(req) ? formOf(req).get('grant_type') : undefined);
const explicitLogin = (grant: string) => (req: ProxiedRequest, res: ProxiedResponse) =>
  grantOf(req) === grant && res.status === 200;

/** A login request with its form rewritten. */
function reform(req: ProxiedRequest, edit: (form: URLSearchParams) => void): ProxiedRequest {
  const form = formOf(req);
  edit(form);
  return { ...req, body: Buffer.from(form.toString()) };
}

const refuse = (grant: string): Fault => ({
  request: (req) => (grantOf(req) === grant ? json(400, { detail: `Unsupported grant type: ${grant}` }) : undefined),
});

/** 401 answers `when` selects, with their detail rewritten (the status and other headers kept). */
function on401(when: (req: ProxiedRequest, res: ProxiedResponse) => boolean, detail: (old: unknown) => unknown): Fault {
  return {
    response: (res, req) =>
      res.status === 401 && when(req, res) ? editJson(res, (b) => ({ ...b, detail: detail(b.detail) })) : res,
  };
}

const withCredentials = (req: ProxiedRequest) =>
  !isLogin(req) && (req.headers.authorization !== undefined || req.headers.cookie !== undefined);
const withoutCredentials = (req: ProxiedRequest) => req.headers.authorization === undefined && req.headers.cookie === undefined;
const bodyMatches = (re: RegExp) => (_req: ProxiedRequest, res: ProxiedResponse) => re.test(res.body.toString('utf8'));
const plain = () => 'Invalid credentials';
const messageOf = (detail: unknown) => (Array.isArray(detail) ? detail.slice(1).join(': ') : String(detail));

/** Refused device-code polls (ZenML answers them with an RFC 6749 §5.2 body) rewritten. */
function devicePollError(edit: (body: Record<string, unknown>) => unknown): Fault {
  return {
    response: (res, req) =>
      grantOf(req) === GRANT.device && res.status === 400 && /"error"/.test(res.body.toString('utf8'))
        ? editJson(res, (b) => edit(b as Record<string, unknown>))
        : res,
  };
}

export const faults: FaultCase[] = [
  // --- GRANT-PASSWORD-EXPLICIT
  {
    breaks: 'GRANT-PASSWORD-EXPLICIT',
    fault: 'grant_type=password is refused',
    proxy: refuse(GRANT.password),
  },
  {
    breaks: 'GRANT-PASSWORD-EXPLICIT',
    fault: 'grant_type=password logs in as the admin',
    proxy: trafficFault((traffic) => ({
      response: (res, req) => (explicitLogin(GRANT.password)(req, res) && traffic.adminLogin ? copy(traffic.adminLogin) : res),
    })),
  },
  {
    breaks: 'GRANT-PASSWORD-EXPLICIT',
    fault: 'grant_type=password answers expires_in null',
    proxy: {
      response: (res, req) => (explicitLogin(GRANT.password)(req, res) ? editJson(res, (b) => void (b.expires_in = null)) : res),
    },
  },
  {
    breaks: 'GRANT-PASSWORD-EXPLICIT',
    fault: 'grant_type=password sets no session cookie',
    proxy: { response: (res, req) => (explicitLogin(GRANT.password)(req, res) ? withHeader(res, 'set-cookie', undefined) : res) },
  },
  // --- GRANT-APIKEY-EXPLICIT
  {
    breaks: 'GRANT-APIKEY-EXPLICIT',
    fault: 'grant_type=zenml-api-key is refused',
    proxy: refuse(GRANT.apiKey),
  },
  {
    breaks: 'GRANT-APIKEY-EXPLICIT',
    fault: 'grant_type=zenml-api-key sets a session cookie',
    proxy: {
      response: (res, req) =>
        explicitLogin(GRANT.apiKey)(req, res)
          ? withHeader(
              res,
              'set-cookie',
              `zenml-server-x=${JSON.parse(res.body.toString('utf8')).access_token}; HttpOnly; Path=/; SameSite=lax`,
            )
          : res,
    },
  },
  {
    breaks: 'GRANT-APIKEY-EXPLICIT',
    fault: 'grant_type=zenml-api-key logs in as the admin',
    proxy: trafficFault((traffic) => ({
      response: (res, req) =>
        explicitLogin(GRANT.apiKey)(req, res) && traffic.adminLogin
          ? withHeader(copy(traffic.adminLogin), 'set-cookie', undefined)
          : res,
    })),
  },
  // --- GRANT-UNKNOWN
  {
    breaks: 'GRANT-UNKNOWN',
    fault: 'an unknown grant_type with a username is served as the password grant',
    proxy: {
      request: (req) => {
        const grant = grantOf(req);
        return grant !== undefined && grant !== null && !Object.values(GRANT).includes(grant) && formOf(req).has('username')
          ? reform(req, (f) => f.set('grant_type', GRANT.password))
          : undefined;
      },
    },
  },
  {
    breaks: 'GRANT-UNKNOWN',
    fault: 'client_credentials with an API key (as password or client_secret) is served as the API-key grant',
    proxy: {
      request: (req) => {
        if (grantOf(req) !== 'client_credentials' || formOf(req).has('username')) return undefined;
        return reform(req, (f) => {
          f.set('password', f.get('password') ?? f.get('client_secret') ?? '');
          f.delete('client_secret');
          f.set('grant_type', GRANT.apiKey);
        });
      },
    },
  },
  {
    breaks: 'GRANT-UNKNOWN',
    fault: 'zenml-external is accepted like the password grant on a server without the external scheme',
    proxy: {
      request: (req) => (grantOf(req) === 'zenml-external' ? reform(req, (f) => f.set('grant_type', GRANT.password)) : undefined),
    },
  },
  // --- ERR-SIGN-IN-AGAIN
  {
    breaks: 'ERR-SIGN-IN-AGAIN',
    fault: '401s to requests with credentials name AuthorizationException instead of CredentialsNotValid',
    grep: 'BEARER-MALFORMED',
    proxy: on401(withCredentials, (d) => ['AuthorizationException', messageOf(d)]),
  },
  {
    breaks: 'ERR-SIGN-IN-AGAIN',
    fault: '401s for forged tokens have a plain string detail and no challenge',
    grep: 'BEARER-ALG-NONE|BEARER-WRONG-KEY',
    proxy: on401(withCredentials, plain),
  },
  {
    breaks: 'ERR-SIGN-IN-AGAIN',
    fault: 'only expired tokens lose CredentialsNotValid',
    grep: 'BEARER-CLAIMS',
    proxy: on401((req, res) => withCredentials(req) && bodyMatches(/expired/i)(req, res), plain),
  },
  {
    breaks: 'ERR-SIGN-IN-AGAIN',
    fault: 'only tokens of deactivated keys and accounts lose CredentialsNotValid',
    grep: 'APIKEY-DEACTIVATE',
    proxy: on401(
      (req, res) => withCredentials(req) && bodyMatches(/not active/i)(req, res),
      (d) => ['AuthorizationException', messageOf(d)],
    ),
  },
  {
    breaks: 'ERR-SIGN-IN-AGAIN',
    fault: 'only 401s to requests with a session cookie lose CredentialsNotValid',
    grep: 'SESSION-COOKIE-INVALID',
    proxy: on401((req) => !isLogin(req) && req.headers.cookie !== undefined, plain),
  },
  {
    breaks: 'ERR-SIGN-IN-AGAIN',
    fault: 'a refused CSRF token answers a 401 without CredentialsNotValid',
    grep: 'SESSION-CSRF',
    proxy: on401(
      (req, res) => withCredentials(req) && bodyMatches(/CSRF/i)(req, res),
      (d) => ['IllegalOperationError', messageOf(d)],
    ),
  },
  // --- ERR-MISSING-CHALLENGE
  {
    breaks: 'ERR-MISSING-CHALLENGE',
    fault: '401s without credentials lose WWW-Authenticate',
    grep: 'BEARER-MISSING',
    proxy: {
      response: (res, req) =>
        res.status === 401 && withoutCredentials(req) ? withHeader(res, 'www-authenticate', undefined) : res,
    },
  },
  {
    breaks: 'ERR-MISSING-CHALLENGE',
    fault: 'the challenge of a 401 without credentials names Basic, not Bearer',
    grep: 'BEARER-MISSING',
    proxy: {
      response: (res, req) =>
        res.status === 401 && withoutCredentials(req) && header(res, 'www-authenticate')
          ? withHeader(res, 'www-authenticate', 'Basic realm="zenml"')
          : res,
    },
  },
  // --- ERR-LOGIN-DETAIL
  {
    breaks: 'ERR-LOGIN-DETAIL',
    fault: 'a refused login answers an empty JSON object',
    grep: 'LOGIN-BAD-CREDENTIALS',
    proxy: { response: (res, req) => (isLogin(req) && res.status === 401 ? json(401, {}) : res) },
  },
  {
    breaks: 'ERR-LOGIN-DETAIL',
    fault: 'a refused login names the exception but gives no message',
    grep: 'LOGIN-BAD-CREDENTIALS',
    proxy: {
      response: (res, req) => (isLogin(req) && res.status === 401 ? json(401, { detail: ['CredentialsNotValid'] }) : res),
    },
  },
  {
    breaks: 'ERR-LOGIN-DETAIL',
    fault: 'a malformed login request answers an HTML error page',
    grep: 'LOGIN-BAD-REQUEST',
    proxy: {
      response: (res, req) =>
        isLogin(req) && res.status === 400
          ? {
              status: 400,
              headers: [['content-type', 'text/html']],
              body: Buffer.from('<html><body><h1>400 Bad Request</h1></body></html>'),
            }
          : res,
    },
  },
  // --- ERR-DEVICE-BODY
  {
    breaks: 'ERR-DEVICE-BODY',
    fault: 'a refused device-code poll answers ZenML\'s {"detail": …} instead of an RFC 6749 §5.2 body',
    proxy: devicePollError((b) => ({ detail: b.error_description ?? b.error })),
  },
  {
    breaks: 'ERR-DEVICE-BODY',
    fault: 'a refused device-code poll carries a field the ZenML client cannot take',
    proxy: devicePollError((b) => ({ ...b, message: b.error_description })),
  },
  {
    breaks: 'ERR-DEVICE-BODY',
    fault: 'the error of a refused device-code poll is an object, not a code',
    proxy: devicePollError((b) => ({ ...b, error: { code: b.error } })),
  },
];

export const benign: BenignCase[] = [
  {
    change: 'unknown grants are refused RFC 6749 style: 400 {"error":"unsupported_grant_type"}',
    grep: 'GRANT-UNKNOWN',
    proxy: {
      response: (res, req) =>
        isLogin(req) && res.status === 400 && /Unsupported grant type/.test(res.body.toString('utf8'))
          ? json(400, { error: 'unsupported_grant_type', error_description: 'the grant type is not supported' })
          : res,
    },
  },
  {
    change: '401s for invalid tokens answer RFC 6750 style: WWW-Authenticate: Bearer error="invalid_token" and a plain detail',
    grep: 'BEARER-MALFORMED',
    proxy: {
      response: (res, req) =>
        res.status === 401 && withCredentials(req)
          ? withHeader(
              editJson(res, () => ({ detail: 'Invalid token' })),
              'www-authenticate',
              'Bearer error="invalid_token"',
            )
          : res,
    },
  },
  {
    change: 'the challenge of a 401 without credentials offers Basic first, then Bearer with a realm',
    grep: 'BEARER-MISSING',
    proxy: {
      response: (res, req) =>
        res.status === 401 && withoutCredentials(req)
          ? withHeader(res, 'www-authenticate', 'Basic realm="zenml", Bearer realm="zenml"')
          : res,
    },
  },
  {
    change: 'refused logins answer an RFC 6749 §5.2 body (error, error_description)',
    grep: 'LOGIN-BAD-CREDENTIALS',
    proxy: {
      response: (res, req) =>
        isLogin(req) && res.status === 401
          ? json(401, { error: 'invalid_grant', error_description: 'invalid username or password' })
          : res,
    },
  },
  {
    change: 'a refused device-code poll answers only {"error": …}',
    grep: 'ERR-DEVICE-BODY',
    proxy: devicePollError((b) => ({ error: b.error })),
  },
];
