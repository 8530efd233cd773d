/**
 * The whole secured surface, from the target's own document: every operation it declares, except the
 * public ones (core/catalogue/surface.ts), must answer 401 to a request without valid credentials.
 * Four credentials, one test each: none, a garbage token, an expired token (signed with the server's
 * secret) and the token of a user who was deleted. Schemathesis' `ignored_auth` check sends the first
 * two on the operations it generates valid requests for; this sweep sends all four to every operation.
 *
 * Nothing real can change even on a broken server: every path parameter is a fresh random UUID and no
 * request carries a body (a malformed JSON body is answered 422 before authentication on ZenML 0.98.0,
 * so a body would test the parser, not the authentication). The few operations that take neither a
 * path parameter nor a required body act on nothing a request without a body could name (flavor sync,
 * secret backup and restore, full-stack resource discovery) or need a query parameter that is not sent
 * (DELETE /artifact_versions). Every answer goes through the validating client: an undocumented 401 is
 * an OAS-STATUS violation.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { PUBLIC_OPERATIONS } from '../core/catalogue/surface';
import { mapLimit } from '../core/concurrency';
import type { ApiResponse, Auth } from '../core/http';
import { claimsOf, hmacSigned } from '../core/jwt';
import { COVERAGE_ANNOTATION } from '../core/verdict';
import type { ZenmlApi } from '../zenml/api';
import type { ContractWorkerFixtures } from '../fixtures/contract';
import { expect, req, test } from '../fixtures/test';

/** Requests in flight at once: the sweep is about 255 cheap requests per credential. */
const CONCURRENCY = 16;
const PUBLIC = new Set(PUBLIC_OPERATIONS.map((p) => p.operation));
const MAX_LISTED = 12;

type ResponseContract = ContractWorkerFixtures['contract'];

/** What the sweep covers: every declared operation but the listed public ones the document also
 * declares without a security requirement (an operation the document says is secured is swept). */
function surfaceOf(contract: ResponseContract) {
  const all = contract.index.all();
  const isPublic = (o: (typeof all)[number]) => PUBLIC.has(o.key) && !o.secured;
  return { all, swept: all.filter((o) => !isPublic(o)), skipped: all.filter(isPublic) };
}

async function expectSurfaceRefuses(zenml: ZenmlApi, contract: ResponseContract, auth: Auth | undefined, credential: string) {
  const { all, swept, skipped } = surfaceOf(contract);
  expect(swept.length, 'the document declares secured operations').toBeGreaterThan(0);
  const answers: ApiResponse[] = await mapLimit(swept, CONCURRENCY, (op) => {
    const params = Object.fromEntries([...op.template.matchAll(/\{([^}]+)\}/g)].map((m) => [m[1], randomUUID()]));
    return zenml.operation(op.method, op.template, params, auth);
  });
  const wrong = answers.map((res, i) => ({ res, op: swept[i] })).filter(({ res }) => res.status !== 401);
  test.info().annotations.push({
    type: COVERAGE_ANNOTATION,
    description: `${swept.length} operations × ${credential}: ${swept.length - wrong.length} answered 401 (${all.length} declared, ${skipped.length} public skipped)`,
  });
  if (wrong.length > 0) {
    const listed = wrong
      .slice(0, MAX_LISTED)
      .map(({ res, op }) => `${op.key} → ${res.status}`)
      .join('; ');
    expect(wrong[0].res).toHaveStatus(
      401,
      `${wrong.length} of ${swept.length} secured operations did not answer 401 to ${credential} (${listed}${wrong.length > MAX_LISTED ? '; …' : ''}); the first`,
    );
  }
}

test(
  ...req('SURFACE-AUTH-REQUIRED', 'every secured operation of the document answers 401 without credentials'),
  async ({ zenml, contract }) => {
    await expectSurfaceRefuses(zenml, contract, undefined, 'no credentials');
  },
);

test(
  ...req('SURFACE-AUTH-REQUIRED', 'every secured operation of the document answers 401 to a garbage bearer token'),
  async ({ zenml, contract }) => {
    await expectSurfaceRefuses(zenml, contract, `zct-garbage-${randomBytes(12).toString('hex')}`, 'a garbage bearer token');
  },
);

test(
  ...req(
    'SURFACE-AUTH-REQUIRED',
    "every secured operation of the document answers 401 to an expired token signed with the server's secret",
  ),
  async ({ zenml, contract, target, adminSession, sharedServiceAccount }) => {
    test.skip(
      !target.jwtSecret,
      "the expired-token variant needs the server's JWT signing secret (ZENML_JWT_SECRET) to sign a token that differs from a valid one only in exp; the other three variants ran",
    );
    // Real claims (sub, iss, aud, iat and the rest) from whichever session this run has.
    const real = adminSession?.session.token ?? sharedServiceAccount?.session.token;
    test.skip(!real, 'needs a real token to take the claims from: an admin account or ZENML_API_KEY');
    const now = Math.floor(Date.now() / 1000);
    const signed = (exp: number) => hmacSigned(real!, target.jwtSecret!, { edit: (c) => ({ ...c, jti: randomUUID(), exp }) });
    // Only a token the server accepts while unexpired shows that the 401s below are about exp.
    const control = await zenml.currentUser.get(signed(now + 600));
    expect(control).toHaveStatus(200, "control: the same claims with exp 10 minutes ahead, signed with the server's secret");
    expect(control.body.id, 'control: the token is the session it was taken from').toBe(claimsOf(real!).sub);
    await expectSurfaceRefuses(zenml, contract, signed(now - 3600), 'a token that expired an hour ago');
  },
);

test(
  ...req('SURFACE-AUTH-REQUIRED', 'every secured operation of the document answers 401 to the token of a deleted user', {
    writes: true,
  }),
  async ({ zenml, contract, resources }) => {
    const user = await resources.userSession();
    const control = await zenml.currentUser.get(user.session.token);
    expect(control).toHaveStatus(200, `control: the token of user ${user.name} works while the user exists`);
    await resources.deleteUser(user);
    await expectSurfaceRefuses(zenml, contract, user.session.token, 'the token of a deleted user');
  },
);
