/**
 * Faults for bearer validation: each requirement of specs/bearer.spec.ts must fail (a SHOULD: give a
 * finding) when a proxy breaks it. Most faults make the server accept a token it must refuse, which
 * the proxy does by passing the request on with the claimed account's genuine token (auth-proxy.ts).
 * bearer.test.ts runs them; the benchmark runs them too.
 */
import { json, withHeader } from '../harness/fault-proxy';
import type { BenignCase, FaultCase } from '../harness/fault-cases';
import { acceptsOnCurrentUser, bearerOf, copy, decode, isCurrentUser, trafficFault, withBearer } from './auth-proxy';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const faults: FaultCase[] = [
  {
    breaks: 'BEARER-VALID',
    fault: 'every token on current-user is served as the admin',
    proxy: trafficFault((traffic) => ({
      request: (req) =>
        isCurrentUser(req) && bearerOf(req) && traffic.adminToken ? withBearer(req, traffic.adminToken) : undefined,
    })),
  },
  {
    breaks: 'BEARER-MISSING',
    fault: 'a request without credentials is served as the admin',
    proxy: trafficFault((traffic) => ({
      request: (req) =>
        !req.headers.authorization && isCurrentUser(req) && traffic.adminToken ? withBearer(req, traffic.adminToken) : undefined,
    })),
  },
  {
    breaks: 'BEARER-MALFORMED',
    fault: 'a token that is not three segments gets a 500',
    proxy: {
      request: (req) =>
        isCurrentUser(req) && bearerOf(req) !== undefined && bearerOf(req)!.split('.').length !== 3
          ? json(500, { detail: 'An unexpected error occurred.' })
          : undefined,
    },
  },
  {
    breaks: 'BEARER-MALFORMED',
    fault: 'the token is accepted under any scheme, or none',
    proxy: {
      request: (req) => {
        const value = String(req.headers.authorization ?? '');
        return isCurrentUser(req) && value && !/^bearer\s/i.test(value) ? withBearer(req, value.split(/\s+/).pop()) : undefined;
      },
    },
  },
  {
    breaks: 'BEARER-MALFORMED',
    fault: 'the signature is not checked (a tampered token is served as the account it claims)',
    proxy: acceptsOnCurrentUser((jwt) => jwt !== undefined),
  },
  {
    breaks: 'BEARER-ALG-NONE',
    fault: 'alg none tokens (any case) are accepted',
    proxy: acceptsOnCurrentUser((jwt) => String(jwt?.header.alg).toLowerCase() === 'none'),
  },
  {
    breaks: 'BEARER-WRONG-KEY',
    fault: "tokens in the server's algorithm are accepted whatever the key",
    proxy: acceptsOnCurrentUser(
      (jwt, _token, traffic) => jwt !== undefined && jwt.header.alg === decode(traffic.adminToken)?.header.alg,
    ),
  },
  {
    breaks: 'BEARER-WRONG-KEY',
    fault: 'tokens in another algorithm or with an embedded jwk are accepted',
    proxy: acceptsOnCurrentUser(
      (jwt, _token, traffic) =>
        jwt !== undefined && (jwt.header.jwk !== undefined || jwt.header.alg !== decode(traffic.adminToken)?.header.alg),
    ),
  },
  {
    breaks: 'BEARER-SCHEME-CASE',
    fault: 'only the exact spelling "Bearer" is accepted',
    expect: 'finding',
    proxy: {
      request: (req) =>
        isCurrentUser(req) &&
        /^bearer\s/i.test(String(req.headers.authorization)) &&
        !/^Bearer\s/.test(String(req.headers.authorization))
          ? json(401, { detail: 'Not authenticated' })
          : undefined,
    },
  },
  {
    breaks: 'BEARER-OWS',
    fault: 'the credential is everything after the first space, surrounding whitespace included',
    expect: 'finding',
    proxy: {
      request: (req) =>
        isCurrentUser(req) && /^\s|\s$|^\S+\s{2}/.test(String(req.headers.authorization ?? ''))
          ? json(401, { detail: ['CredentialsNotValid', 'Authentication error: invalid token'] })
          : undefined,
    },
  },
  {
    breaks: 'BEARER-WWW-AUTHENTICATE',
    fault: '401 answers without credentials lose WWW-Authenticate',
    grep: 'BEARER-MISSING',
    expect: 'finding',
    proxy: { response: (res) => (res.status === 401 ? withHeader(res, 'www-authenticate', undefined) : res) },
  },
  {
    breaks: 'BEARER-CLAIMS',
    fault: 'exp is not checked',
    proxy: acceptsOnCurrentUser((jwt) => typeof jwt?.claims.exp === 'number' && jwt.claims.exp < Date.now() / 1000),
  },
  {
    breaks: 'BEARER-CLAIMS',
    fault: 'aud and iss are not checked',
    proxy: acceptsOnCurrentUser((jwt, _token, traffic) => {
      const genuine = decode(traffic.adminToken)?.claims;
      return jwt !== undefined && genuine !== undefined && (jwt.claims.aud !== genuine.aud || jwt.claims.iss !== genuine.iss);
    }),
  },
  {
    breaks: 'BEARER-CLAIMS',
    fault: 'a missing or malformed sub falls back to the admin',
    proxy: acceptsOnCurrentUser((jwt) => jwt !== undefined && !UUID.test(String(jwt.claims.sub))),
  },
  {
    breaks: 'BEARER-CLAIMS',
    fault: 'a token for an account that does not exist (any more) is served',
    proxy: trafficFault((traffic) => ({
      response: (res, req) => {
        const sub = decode(bearerOf(req))?.claims.sub;
        if (!isCurrentUser(req) || res.status !== 401 || typeof sub !== 'string' || !UUID.test(sub) || !traffic.currentUser)
          return res;
        const fake = copy(traffic.currentUser);
        return { ...fake, body: Buffer.from(JSON.stringify({ ...JSON.parse(fake.body.toString('utf8')), id: sub })) };
      },
    })),
    grep: 'BEARER-CLAIMS.*(deleted|does not exist)',
  },
  {
    breaks: 'BEARER-CLAIMS',
    fault: 'the server refuses every token it did not issue itself (the control must notice)',
    proxy: trafficFault((traffic) => ({
      request: (req) => {
        const token = bearerOf(req);
        return isCurrentUser(req) && token && decode(token) && !traffic.issued.has(token)
          ? json(401, { detail: 'Not authenticated' })
          : undefined;
      },
    })),
  },
];

export const benign: BenignCase[] = [
  {
    change: 'RFC 6750 error answers: WWW-Authenticate with error="invalid_token" and an {"error": …} body on every 401',
    grep: 'bearer\\.spec',
    proxy: {
      response: (res) =>
        res.status === 401
          ? json(401, { error: 'invalid_token', error_description: 'The access token is invalid' }, [
              ['www-authenticate', 'Bearer realm="zenml", error="invalid_token"'],
            ])
          : res,
    },
  },
];
