/**
 * Faults for the OpenAPI area: each requirement of specs/openapi.spec.ts and of the contract engine
 * must fail when a proxy breaks it (openapi.test.ts runs them; the benchmark runs them too).
 */
import { editJson, json, pathOf, withHeader } from '../harness/fault-proxy';
import type { BenignCase, FaultCase } from '../harness/fault-cases';

const is = (method: string, path: string) => (req: { method: string; url: string }) =>
  req.method === method && pathOf(req as never) === path;
const currentUser = is('GET', '/api/v1/current-user');
const info = is('GET', '/api/v1/info');

export const faults: FaultCase[] = [
  {
    breaks: 'OAS-SCHEMA',
    fault: 'current-user loses the required field name',
    grep: 'USER-CURRENT',
    proxy: { response: (res, req) => (currentUser(req) && res.status === 200 ? editJson(res, (b) => void delete b.name) : res) },
  },
  {
    breaks: 'OAS-SCHEMA',
    fault: 'current-user answers body.created as a number',
    grep: 'USER-CURRENT',
    proxy: {
      response: (res, req) => (currentUser(req) && res.status === 200 ? editJson(res, (b) => void (b.body.created = 1)) : res),
    },
  },
  {
    breaks: 'OAS-STATUS',
    fault: 'current-user answers 203, which is not documented',
    grep: 'USER-CURRENT',
    proxy: { response: (res, req) => (currentUser(req) ? { ...res, status: 203 } : res) },
  },
  {
    breaks: 'OAS-CONTENT-TYPE',
    fault: 'current-user answers text/html',
    grep: 'USER-CURRENT',
    proxy: { response: (res, req) => (currentUser(req) ? withHeader(res, 'content-type', 'text/html; charset=utf-8') : res) },
  },
  {
    breaks: 'OAS-OPERATION',
    fault: 'the document no longer declares GET /api/v1/info',
    grep: 'SRV-INFO',
    proxy: {
      response: (res, req) => (pathOf(req) === '/openapi.json' ? editJson(res, (d) => void delete d.paths['/api/v1/info']) : res),
    },
  },
  {
    breaks: 'OAS-DOC',
    fault: 'the document no longer declares the login operation',
    proxy: {
      response: (res, req) =>
        pathOf(req) === '/openapi.json' && req.method === 'GET'
          ? editJson(res, (d) => void delete d.paths['/api/v1/login'])
          : res,
    },
  },
  {
    breaks: 'OAS-DOCS-UI',
    fault: '/docs answers 404',
    expect: 'finding',
    proxy: { request: (req) => (pathOf(req) === '/docs' ? json(404, { detail: 'Not Found' }) : undefined) },
  },
  {
    breaks: 'SRV-HEALTH',
    fault: '/health answers 503',
    proxy: { request: (req) => (pathOf(req) === '/health' ? json(503, 'unavailable') : undefined) },
  },
  {
    breaks: 'SRV-INFO',
    fault: '/api/v1/info names another auth scheme in tests (after preflight)',
    proxy: {
      // The preflight's call (first) sees the truth; the test's call sees the fault.
      response: (() => {
        let calls = 0;
        return (res, req) => (info(req) && ++calls > 1 ? editJson(res, (b) => void (b.auth_scheme = 'HTTP_BASIC')) : res);
      })(),
    },
  },
  {
    breaks: 'USER-CURRENT',
    fault: 'current-user answers with another name',
    proxy: {
      response: (res, req) =>
        currentUser(req) && res.status === 200 ? editJson(res, (b) => void (b.name = 'someone-else')) : res,
    },
  },
];

export const benign: BenignCase[] = [
  {
    change: 'extra JSON fields, reordered keys and a slower server',
    grep: 'OAS|SRV|USER-CURRENT',
    proxy: {
      response: async (res, req) => {
        if (pathOf(req) === '/openapi.json') return res;
        await new Promise((r) => setTimeout(r, 50));
        return editJson(res, (b) =>
          b && typeof b === 'object' && !Array.isArray(b)
            ? Object.fromEntries([...Object.entries(b).reverse(), ['x-vendor-extension', { ok: true }]])
            : b,
        );
      },
    },
  },
];
