/**
 * Workload API tokens (GET /api/v1/api_token?token_type=workload): tokens without expiry, bound to one
 * pipeline run, schedule or deployment. Refusals are checked with ids that exist nowhere (read-only);
 * what a scope does once granted needs real runs and schedules, which the suite makes over REST with
 * the target's default stack (fixtures/resources.ts, workloadScopes) and removes afterwards. Where the
 * target cannot make them (no snapshots in its document, no stack or orchestrator, a refusal), those
 * tests skip, saying why.
 */
import { randomUUID } from 'node:crypto';
import { decodeJwt, type JWTPayload } from 'jose';
import type { ApiResponse } from '../core/http';
import { excerpt } from '../core/redaction';
import type { RequirementId } from '../core/req';
import { PIPELINE_PATHS, PATHS, type ApiTokenParams, type ZenmlApi } from '../zenml/api';
import { SetupFailed, type Resources } from '../fixtures/resources';
import type { ContractWorkerFixtures } from '../fixtures/contract';
import { expect, req, should, test } from '../fixtures/test';

type Scope = 'pipeline_run_id' | 'schedule_id' | 'deployment_id';
const SCOPES: readonly Scope[] = ['pipeline_run_id', 'schedule_id', 'deployment_id'];

function claims(token: unknown): JWTPayload | undefined {
  try {
    return typeof token === 'string' ? decodeJwt(token) : undefined;
  } catch {
    return undefined;
  }
}

/** Refused: a 4xx that carries no token (a JWT, bare or in a body). `about`: the requirement, when it
 * is not the test's own. */
function expectNoToken(res: ApiResponse, what: string, about?: RequirementId): void {
  const check = about ? expect.about(about) : expect;
  check(
    res.status >= 400 && res.status < 500,
    `${what}: must be refused with a 4xx, got ${res.status} ${excerpt(res.text, 200)}`,
  ).toBe(true);
  check(res.text, `${what}: a refusal carries no token`).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]*/);
}

/** The scope parameters the target's api_token declares (deployment_id came later than the others). */
function declaredScopes(contract: ContractWorkerFixtures['contract']): Scope[] {
  const declared = contract.index.queryParameters('get', PATHS.apiToken);
  return SCOPES.filter((s) => declared.includes(s));
}

test(
  ...req(
    'WORKLOAD-SCOPE-REQUIRED',
    'a workload token is refused without a scope and for a run, schedule or deployment that does not exist',
  ),
  async ({ zenml, admin, contract }) => {
    const cases: Array<[string, ApiTokenParams]> = [
      ['a workload token without a scope', { token_type: 'workload' }],
      ...declaredScopes(contract).map((scope): [string, ApiTokenParams] => [
        `a workload token for a ${scope.replace('_id', '').replace('_', ' ')} that does not exist`,
        { token_type: 'workload', [scope]: randomUUID() },
      ]),
    ];
    const answers = await Promise.all(
      cases.map(async ([what, params]) => ({ what, res: await zenml.apiToken(admin.token, params) })),
    );
    for (const { what, res } of answers) expectNoToken(res, `the admin asking for ${what}`);
  },
);

test(
  ...req('WORKLOAD-GENERIC-UNSCOPED', 'a generic token request (explicit or by default) carrying a scope is refused'),
  async ({ zenml, admin, contract }) => {
    const cases = declaredScopes(contract).flatMap((scope): Array<[string, ApiTokenParams]> => [
      [`an explicitly generic token with ${scope}`, { token_type: 'generic', [scope]: randomUUID() }],
      [`a token of the default type with ${scope}`, { [scope]: randomUUID() }],
    ]);
    const answers = await Promise.all(
      cases.map(async ([what, params]) => ({ what, res: await zenml.apiToken(admin.token, params) })),
    );
    for (const { what, res } of answers) expectNoToken(res, `the admin asking for ${what}`);
  },
);

/** The two scopes of a workload token, each with two objects of the test: one to scope a token to,
 * another it must not reach. Skips, saying why, where the target cannot make them. */
async function scopeKindsOrSkip(resources: Resources, contract: ContractWorkerFixtures['contract']) {
  test.skip(
    !contract.index.has('post', PIPELINE_PATHS.snapshots) || !contract.index.has('post', PIPELINE_PATHS.runs),
    `the target's document has no POST ${PIPELINE_PATHS.snapshots} or POST ${PIPELINE_PATHS.runs}: the suite cannot create a pipeline run to scope a workload token to`,
  );
  try {
    const { runs, schedules } = await resources.workloadScopes({ runs: 2, schedules: 2 });
    return [
      { scope: 'pipeline_run_id' as const, noun: 'pipeline run', mine: runs[0], other: runs[1] },
      { scope: 'schedule_id' as const, noun: 'schedule', mine: schedules[0], other: schedules[1] },
    ];
  } catch (e) {
    if (e instanceof SetupFailed)
      test.skip(true, `the suite cannot create pipeline runs and schedules on the target: ${e.message}`);
    throw e;
  }
}

/** Mint a token and return it (the answer is the bare JWT as a JSON string). */
async function mint(zenml: ZenmlApi, bearer: string, params: ApiTokenParams, what: string): Promise<string> {
  const res = await zenml.apiToken(bearer, params);
  expect(res).toHaveStatus(200, what);
  expect(typeof res.body, `${what}: the answer is the token as a JSON string`).toBe('string');
  return res.body;
}

test(
  ...req(
    'WORKLOAD-SCOPE-KEPT',
    'a generic token minted from a workload token keeps its run or schedule scope and cannot be traded for another',
    { writes: true, also: ['WORKLOAD-GENERIC-UNSCOPED'] },
  ),
  async ({ zenml, admin, resources, contract }, testInfo) => {
    const kinds = await scopeKindsOrSkip(resources, contract);
    for (const { scope, noun, mine, other } of kinds) {
      const workload = await mint(
        zenml,
        admin.token,
        { token_type: 'workload', [scope]: mine.id },
        `a workload token for ${noun} ${mine.name}`,
      );
      expect(claims(workload)?.[scope], `the workload token names its ${noun} (${scope})`).toBe(mine.id);
      // With the scope existing, a generic request carrying it is still refused.
      expectNoToken(
        await zenml.apiToken(admin.token, { token_type: 'generic', [scope]: mine.id }),
        `a generic token with the existing ${noun} ${mine.name} as ${scope}`,
        'WORKLOAD-GENERIC-UNSCOPED',
      );
      const generic = await mint(
        zenml,
        workload,
        {},
        `a generic api_token minted with the workload token of ${noun} ${mine.name}`,
      );
      expect(claims(generic)?.[scope], `the generic token minted from the workload token keeps ${scope}`).toBe(mine.id);
      expectNoToken(
        await zenml.apiToken(generic, { token_type: 'workload', [scope]: other.id }),
        `the generic token minted from ${mine.name}'s workload token asking for a workload token of ${noun} ${other.name}`,
      );
      const again = await zenml.apiToken(generic, { token_type: 'workload' });
      if (again.status === 200)
        expect(
          claims(again.body)?.[scope],
          `a workload token minted from the exchanged one, without naming a scope, is ${mine.name}'s`,
        ).toBe(mine.id);
    }
    // Where the server ends a schedule's tokens with the schedule, it ends the exchanged ones too.
    const schedule = kinds.find((k) => k.scope === 'schedule_id')!.mine;
    const workload = await mint(
      zenml,
      admin.token,
      { token_type: 'workload', schedule_id: schedule.id },
      'a workload token for the schedule',
    );
    const generic = await mint(zenml, workload, {}, "a generic token minted from the schedule's workload token");
    const deactivated = await zenml.schedules.update(admin.token, schedule.id, { active: false });
    expect(deactivated).toHaveStatus(200, `setup: deactivating schedule ${schedule.name}`);
    const original = await zenml.currentUser.get(workload);
    if (original.status === 401) {
      const exchanged = await zenml.currentUser.get(generic);
      expect(exchanged).toHaveStatus(
        401,
        `the generic token minted from the workload token of schedule ${schedule.name} once the schedule is inactive (the workload token itself is refused)`,
      );
    } else {
      testInfo.annotations.push({
        type: 'workload',
        description: `this server keeps a schedule's workload token working after the schedule is deactivated (${original.status}): whether the exchanged token ends with it was not checked`,
      });
    }
  },
);

test(
  ...req('WORKLOAD-NO-RESCOPE', 'a workload token of one run or schedule cannot mint a token for another one', {
    writes: true,
    also: ['AUTHZ-FORBIDDEN-STATUS'],
  }),
  async ({ zenml, admin, resources, contract }) => {
    const kinds = await scopeKindsOrSkip(resources, contract);
    for (const { scope, noun, mine, other } of kinds) {
      const workload = await mint(
        zenml,
        admin.token,
        { token_type: 'workload', [scope]: mine.id },
        `a workload token for ${noun} ${mine.name}`,
      );
      const control = await zenml.currentUser.get(workload);
      expect(control).toHaveStatus(200, `control: the workload token of ${noun} ${mine.name} works as a bearer`);
      const what = `the workload token of ${noun} ${mine.name} asking for a workload token of ${noun} ${other.name}`;
      const res = await zenml.apiToken(workload, { token_type: 'workload', [scope]: other.id });
      expectNoToken(res, what);
      if (res.status === 401)
        should(
          false,
          'AUTHZ-FORBIDDEN-STATUS',
          `${what}: refused with 401 ${excerpt(res.text, 200)} although the token is valid (403 says "not allowed")`,
          res.exchange,
        );
    }
  },
);
