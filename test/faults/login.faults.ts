/**
 * Faults for the login area: each requirement of specs/login.spec.ts must fail (a SHOULD: give a
 * finding) when a proxy breaks it. login.test.ts runs them; the benchmark runs them too.
 */
import {
  editJson,
  header,
  json,
  pathOf,
  withHeader,
  type Fault,
  type ProxiedRequest,
  type ProxiedResponse,
} from '../harness/fault-proxy';
import type { BenignCase, FaultCase } from '../harness/fault-cases';
import { copy, formOf, isLogin, LOGIN, trafficFault } from './auth-proxy';

const loginOk = (res: ProxiedResponse, req: ProxiedRequest) => res.status === 200 && isLogin(req);
const editToken = (edit: (body: any) => void): Fault => ({
  response: (res, req) => (loginOk(res, req) ? editJson(res, (b) => void edit(b)) : res),
});
const editCookie = (edit: (cookie: string) => string): Fault => ({
  response: (res, req) =>
    loginOk(res, req) && header(res, 'set-cookie') ? withHeader(res, 'set-cookie', edit(header(res, 'set-cookie')!)) : res,
});

export const faults: FaultCase[] = [
  {
    breaks: 'LOGIN-PASSWORD',
    fault: 'token_type is "mac"',
    proxy: editToken((b) => (b.token_type = 'mac')),
  },
  {
    breaks: 'LOGIN-PASSWORD',
    fault: 'token_type is missing',
    proxy: editToken((b) => delete b.token_type),
  },
  {
    breaks: 'LOGIN-PASSWORD',
    fault: 'the access token is unsigned (alg none, signature dropped)',
    proxy: editToken((b) => {
      const [, payload] = String(b.access_token).split('.');
      b.access_token = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    }),
  },
  {
    breaks: 'LOGIN-EXPIRES-IN',
    fault: 'expires_in is twice the token lifetime',
    proxy: editToken((b) => (b.expires_in = (b.expires_in ?? 1800) * 2)),
  },
  {
    breaks: 'LOGIN-COOKIE',
    fault: 'the session cookie is not HttpOnly',
    expect: 'finding',
    proxy: editCookie((c) => c.replace(/;\s*HttpOnly/i, '')),
  },
  {
    breaks: 'LOGIN-COOKIE',
    fault: 'the session cookie has no SameSite',
    expect: 'finding',
    proxy: editCookie((c) => c.replace(/;\s*SameSite=[^;]*/i, '')),
  },
  {
    breaks: 'LOGIN-NO-STORE',
    fault: 'token responses lose Cache-Control',
    expect: 'finding',
    proxy: { response: (res, req) => (loginOk(res, req) ? withHeader(res, 'cache-control', undefined) : res) },
  },
  {
    breaks: 'LOGIN-APIKEY',
    fault: 'the API-key login sets a session cookie',
    proxy: {
      response: (res, req) =>
        loginOk(res, req) && !formOf(req).has('username')
          ? withHeader(res, 'set-cookie', 'zenml-session=x; HttpOnly; Path=/; SameSite=lax')
          : res,
    },
  },
  {
    breaks: 'LOGIN-APIKEY',
    fault: 'an API key logs in as the admin',
    proxy: trafficFault((traffic) => ({
      // Without the admin's cookie: the identity, not the cookie, must give it away.
      response: (res, req) =>
        loginOk(res, req) && !formOf(req).has('username') && traffic.adminLogin
          ? withHeader(copy(traffic.adminLogin), 'set-cookie', undefined)
          : res,
    })),
  },
  {
    breaks: 'LOGIN-BAD-CREDENTIALS',
    fault: 'any password is accepted (a refused login answered with a real login)',
    proxy: trafficFault((traffic) => ({
      response: (res, req) => (isLogin(req) && res.status === 401 && traffic.adminLogin ? copy(traffic.adminLogin) : res),
    })),
  },
  {
    breaks: 'LOGIN-BAD-REQUEST',
    fault: 'malformed login requests get a 500',
    proxy: {
      response: (res, req) => (isLogin(req) && res.status === 400 ? json(500, { detail: 'Internal Server Error' }) : res),
    },
  },
  {
    breaks: 'LOGIN-BAD-REQUEST',
    fault: 'a JSON body logs in like a form',
    proxy: {
      request: (req) => {
        if (!isLogin(req) || !/json/.test(String(req.headers['content-type']))) return undefined;
        const body = Buffer.from(new URLSearchParams(JSON.parse(req.body.toString('utf8'))).toString());
        return { ...req, body, headers: { ...req.headers, 'content-type': 'application/x-www-form-urlencoded' } };
      },
    },
  },
  {
    breaks: 'LOGIN-BAD-REQUEST',
    fault: 'GET /api/v1/login answers with a token',
    proxy: trafficFault((traffic) => ({
      request: (req) =>
        req.method === 'GET' && pathOf(req) === LOGIN && traffic.adminLogin ? copy(traffic.adminLogin) : undefined,
    })),
  },
  {
    breaks: 'LOGIN-QUERY-CREDENTIALS',
    fault: 'credentials in the query string are read like a form',
    proxy: {
      request: (req) => {
        const [path, query] = req.url.split('?');
        if (path !== LOGIN || !query) return undefined;
        return {
          ...req,
          method: 'POST',
          url: path,
          body: Buffer.from(query),
          headers: { ...req.headers, 'content-type': 'application/x-www-form-urlencoded' },
        };
      },
    },
  },
  {
    breaks: 'LOGIN-NO-ECHO',
    fault: 'a refused login quotes the submitted password',
    proxy: {
      response: (res, req) =>
        isLogin(req) && res.status === 401
          ? json(401, { detail: ['CredentialsNotValid', `invalid password ${formOf(req).get('password')}`] })
          : res,
    },
  },
  {
    breaks: 'LOGIN-NO-ECHO',
    fault: 'a malformed login request quotes the request body in a header',
    grep: 'LOGIN-BAD-REQUEST',
    proxy: {
      response: (res, req) =>
        isLogin(req) && res.status === 400 ? withHeader(res, 'x-debug-request', req.body.toString('utf8')) : res,
    },
  },
];

export const benign: BenignCase[] = [
  {
    change: 'token_type "Bearer" and extra fields in the token response',
    grep: 'login\\.spec',
    proxy: editToken((b) => Object.assign(b, { token_type: 'Bearer', 'x-vendor-session': { region: 'eu' }, id_token: null })),
  },
  {
    change: 'GET /api/v1/login answers 405 with Allow: POST',
    grep: 'LOGIN-BAD-REQUEST',
    proxy: {
      request: (req) =>
        req.method === 'GET' && pathOf(req) === LOGIN
          ? json(405, { detail: 'Method Not Allowed' }, [['allow', 'POST']])
          : undefined,
    },
  },
];
