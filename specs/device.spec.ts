/**
 * The OAuth 2.0 device authorization grant (RFC 8628) as `zenml login <url>` uses it, end to end over
 * HTTP: the CLI starts it (POST /api/v1/device_authorization) and polls the token endpoint with the
 * device code; the person opens the dashboard page, sees the device with the user code and approves
 * it; later they lock, unlock or delete it. Every approving identity is a run-prefixed non-admin user
 * of the test (the admin's session is never involved), and every device ends approved and deleted by
 * its owner (fixtures/resources.ts). Polls count as failed logins under ZenML's login rate limiter,
 * so each test polls as few times as its rule needs.
 */
import { randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import type { ApiResponse } from '../core/http';
import { excerpt } from '../core/redaction';
import type { RequirementId } from '../core/req';
import { deviceIdOf, type ZenmlApi } from '../zenml/api';
import type { DeviceAuthorizationResponse, OAuthErrorBody } from '../zenml/models';
import { pollDevice, type AuthorizedDevice, type Device, type UserSession } from '../fixtures/resources';
import { expect, expectCredentialRefused, expectTokenRefused, req, should, test } from '../fixtures/test';

/** Wrong user codes the server may take before it locks the device: ZenML's default of
 * max_failed_device_auth_attempts; ZC_DEVICE_AUTH_ATTEMPTS for a server configured otherwise. */
const MAX_FAILED_ATTEMPTS = Number(process.env.ZC_DEVICE_AUTH_ATTEMPTS) || 3;
/** RFC 8628 §3.5: after slow_down the client polls 5 s more slowly. */
const SLOW_DOWN_STEP_S = 5;
/** Longest advertised interval the slow_down test waits out. */
const MAX_INTERVAL_S = 15;
/** RFC 6749 §5.2: error, error_description and error_uri use %x20-21 / %x23-5B / %x5D-7E. */
const OAUTH_TEXT = /^[\x20\x21\x23-\x5b\x5d-\x7e]+$/;
const JWT_SHAPE = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\./;

test.skip(({ target }) => target.readOnly, 'creates users and devices on the target: not part of the read-only profile');

const sleep = (seconds: number) => new Promise((r) => setTimeout(r, seconds * 1000));
const mediaType = (res: ApiResponse) => (res.contentType ?? '').split(';')[0].trim().toLowerCase();
const errorOf = (res: ApiResponse): unknown => (res.body as Partial<OAuthErrorBody> | undefined)?.error;
/** A user code nobody was given (ZenML's are 32 hex digits). */
const wrongCode = () => randomBytes(16).toString('hex');

/** The device-grant error answer is an RFC 6749 §5.2 answer (DEVICE-ERROR-BODY). */
function expectOAuthError(res: ApiResponse, what: string): void {
  const about = expect.about('DEVICE-ERROR-BODY');
  const body = res.body as Record<string, unknown> | undefined;
  const isObject = typeof body === 'object' && body !== null && !Array.isArray(body);
  about(res).toHaveStatus(isObject && body.error === 'invalid_client' ? [400, 401] : 400, `${what} (RFC 6749 §5.2)`);
  about(mediaType(res), `${what}: an RFC 6749 §5.2 error is application/json`).toBe('application/json');
  about(
    isObject && typeof body.error === 'string' && OAUTH_TEXT.test(body.error),
    `${what}: the body is an object with an error code (RFC 6749 §5.2), got ${excerpt(res.text, 300)}`,
  ).toBe(true);
  for (const field of ['error_description', 'error_uri'] as const) {
    const value = isObject ? body[field] : undefined;
    // Omitted, or null as ZenML's own client model (OAuthError) takes it.
    about(
      value === undefined || value === null || (typeof value === 'string' && OAUTH_TEXT.test(value)),
      `${what}: ${field} is omitted, null or text of RFC 6749 §5.2's characters, got ${excerpt(value, 200)}`,
    ).toBe(true);
  }
}

/** A poll that must give no token, checked for `id`; then, unless it is a 429, as an RFC 6749 §5.2
 * answer. `codes`: the error codes `id` requires (e.g. authorization_pending). */
function expectNoToken(res: ApiResponse, what: string, id: RequirementId, codes?: string[]): void {
  const about = expect.about(id);
  about(res.status >= 400, `${what}: expected a refusal, got ${res.status} ${excerpt(res.text, 300)}`).toBe(true);
  about(JWT_SHAPE.test(res.text), `${what}: a refusal carries no token`).toBe(false);
  if (codes) {
    about(res).toHaveStatus(400, what);
    about(
      codes.includes(String(errorOf(res))),
      `${what}: expected error ${codes.join(' or ')}, got ${excerpt(res.text, 300)}`,
    ).toBe(true);
  }
  if (res.status !== 429) expectOAuthError(res, what);
}

/** The token acts as the user who approved the device (current-user), nobody else. */
async function expectActsAs(zenml: ZenmlApi, token: string, owner: UserSession, what: string, id: RequirementId): Promise<void> {
  const me = await zenml.currentUser.get(token);
  expect.about(id)(me).toHaveStatus(200, `current-user with ${what}`);
  expect
    .about(id)([me.body.id, me.body.name], `${what} acts as ${owner.name}, who approved the device`)
    .toEqual([owner.id, owner.name]);
}

const listed = (res: ApiResponse<{ items?: Array<{ id?: string }> }>, id: string) =>
  (res.body?.items ?? []).some((item) => item.id === id);

/** An absolute http(s) URL without an empty path segment (the // of a base URL ending in /). */
function absoluteUrlProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return `is ${excerpt(value, 100)}, not a string`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${value.split('?')[0]} is relative`;
  }
  if (!/^https?:$/.test(url.protocol)) return `${url.protocol} is not http(s)`;
  if (url.pathname.includes('//')) return `the path ${url.pathname} has an empty segment`;
  return undefined;
}

// --- starting: the CLI's request and its first poll --------------------------------------------------

test(
  ...req(
    'DEVICE-AUTHORIZATION',
    'the device authorization answer has device and user codes, both verification URIs, expires_in and interval; the first poll is pending',
    { writes: true, also: ['DEVICE-PENDING', 'DEVICE-ERROR-BODY', 'DEVICE-VERIFICATION-URI'] },
  ),
  async ({ zenml, resources }) => {
    const owner = await resources.userSession();
    const { response: res, device } = await resources.startDevice(owner);
    expect(res).toHaveStatus(200, 'POST /api/v1/device_authorization with a new client_id');
    const b = res.body as Partial<Record<keyof DeviceAuthorizationResponse, unknown>>;
    for (const field of ['device_code', 'user_code', 'verification_uri', 'verification_uri_complete'] as const)
      expect(
        typeof b[field] === 'string' && b[field].length > 0,
        `${field} is a non-empty string, got ${excerpt(b[field], 100)}`,
      ).toBe(true);
    // Whoever reads the user code off the screen must not be able to poll with it.
    expect(b.device_code === b.user_code, 'the user code differs from the device code').toBe(false);
    for (const field of ['expires_in', 'interval'] as const)
      expect(
        Number.isInteger(b[field]) && (b[field] as number) > 0,
        `${field} is a positive integer number of seconds, got ${excerpt(b[field], 100)}`,
      ).toBe(true);
    const complete = new URL(String(b.verification_uri_complete), 'http://relative.invalid');
    expect(
      [...complete.searchParams.values()].includes(String(b.user_code)),
      'verification_uri_complete carries the user code (RFC 8628 §3.3.1)',
    ).toBe(true);
    const id = deviceIdOf(b as DeviceAuthorizationResponse);
    expect(
      id !== undefined && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id),
      `verification_uri_complete names the device (device_id, the page the dashboard opens): ${excerpt(complete.search.replace(/user_code=[^&]*/, 'user_code=…'), 200)}`,
    ).toBe(true);

    for (const field of ['verification_uri', 'verification_uri_complete'] as const) {
      const problem = absoluteUrlProblem(b[field]);
      should(
        problem === undefined,
        'DEVICE-VERIFICATION-URI',
        `${field} ${problem}: RFC 8628 §3.2 asks for the absolute URI of the verification page`,
        res.exchange,
      );
    }

    const poll = await zenml.login.device(device!.clientId, device!.deviceCode);
    expectNoToken(poll, 'a poll before the user approved the device', 'DEVICE-PENDING', ['authorization_pending', 'slow_down']);
  },
);

// --- approving: the dashboard, then the CLI's next poll ----------------------------------------------

test(
  ...req(
    'DEVICE-APPROVE',
    'the owner sees the pending device with its user code and approves it; the next poll gives a token acting as the owner, once',
    { writes: true, also: ['DEVICE-SINGLE-USE', 'DEVICE-ERROR-BODY', 'DEVICE-TOKEN-EXPIRES'] },
  ),
  async ({ zenml, resources }) => {
    const owner = await resources.userSession();
    const device = await resources.pendingDevice(owner);
    const token = owner.session.token;

    // The dashboard's page reads the device with the user code, then approves it.
    const shown = await zenml.devices.get(token, device.id, device.userCode);
    expect(shown).toHaveStatus(200, 'the dashboard reads the pending device with its user code');
    expect(shown.body.id, 'the device read is the one verification_uri_complete names').toBe(device.id);
    expect(shown.body.body.status, 'the device is pending until approved').toBe('pending');
    const verify = await zenml.devices.verify(token, device.id, device.userCode);
    expect(verify).toHaveStatus(200, `${owner.name} approves the device with its user code`);

    // Wrong device codes count as failed attempts (ZenML): one only, and only under a limit above 1.
    if (MAX_FAILED_ATTEMPTS > 1) {
      const wrong = await zenml.login.device(device.clientId, randomBytes(32).toString('hex'));
      expectNoToken(wrong, 'a poll of the approved device with a wrong device code', 'DEVICE-APPROVE');
    }
    const poll = await pollDevice(zenml, device);
    expect(poll).toHaveStatus(200, 'the first poll with the device code after the approval');
    const issued = poll.body.access_token;
    expect(typeof issued === 'string' && issued.length > 0, 'the answer carries an access_token').toBe(true);
    expect(String(poll.body.token_type).toLowerCase(), 'token_type is bearer (RFC 6749 §5.1, any case)').toBe('bearer');
    await expectActsAs(zenml, issued!, owner, 'the device token', 'DEVICE-APPROVE');

    const list = await zenml.devices.list(token);
    expect(list).toHaveStatus(200, `${owner.name} lists their devices`);
    expect(listed(list, device.id), `${owner.name}'s device list shows the approved device`).toBe(true);

    const again = await zenml.login.device(device.clientId, device.deviceCode);
    expectNoToken(again, 'a second poll with the same device code', 'DEVICE-SINGLE-USE');

    let exp: number | undefined;
    try {
      exp = decodeJwt(issued!).exp;
    } catch {
      exp = undefined; // not a JWT: no exp to read
    }
    should(
      typeof exp === 'number' && exp > Date.now() / 1000,
      'DEVICE-TOKEN-EXPIRES',
      exp === undefined
        ? `the device token has no exp (expires_in ${excerpt(poll.body.expires_in)}): it never expires`
        : `the device token's exp ${exp} is not in the future`,
      poll.exchange,
    );
  },
);

// --- guessing the user code -------------------------------------------------------------------------

test(
  ...req(
    'DEVICE-LOCK-ATTEMPTS',
    `wrong user codes lock the device no later than the limit (${MAX_FAILED_ATTEMPTS}); then the right code is refused and no poll gives a token`,
    { writes: true, also: ['DEVICE-ERROR-BODY'] },
  ),
  async ({ zenml, resources }, testInfo) => {
    const owner = await resources.userSession();
    const device = await resources.pendingDevice(owner);
    const token = owner.session.token;
    const statuses: string[] = [];
    for (let attempt = 1; attempt <= MAX_FAILED_ATTEMPTS; attempt++) {
      const res = await zenml.devices.verify(token, device.id, wrongCode());
      expect(res).toHaveStatus('4xx', `wrong user code #${attempt}`);
      // Reading the device with the right code costs no attempt: it shows whether it is locked yet.
      const shown = await zenml.devices.get(token, device.id, device.userCode);
      statuses.push(shown.status === 200 ? String(shown.body.body?.status) : `GET ${shown.status}`);
    }
    const lockedAt = statuses.indexOf('locked') + 1;
    testInfo.annotations.push({
      type: 'lock',
      description: `device status after each wrong user code: ${statuses.join(', ')}${lockedAt ? ` (locked after ${lockedAt} of at most ${MAX_FAILED_ATTEMPTS})` : ''}`,
    });

    const right = await zenml.devices.verify(token, device.id, device.userCode);
    expect(
      right,
      `the right user code after ${MAX_FAILED_ATTEMPTS} wrong ones must be refused (the device is locked)`,
    ).toHaveStatus('4xx', 'the right user code after the limit');
    const poll = await zenml.login.device(device.clientId, device.deviceCode);
    expectNoToken(poll, `a poll after ${MAX_FAILED_ATTEMPTS} wrong user codes`, 'DEVICE-LOCK-ATTEMPTS');
  },
);

// --- other users --------------------------------------------------------------------------------------

test(
  ...req(
    'DEVICE-OWNER-ONLY',
    "another user and a service account cannot read, lock, delete, verify or list a user's device, pending or approved",
    { writes: true },
  ),
  async ({ zenml, resources, serviceAccount }) => {
    const [owner, other] = await Promise.all([resources.userSession(), resources.userSession()]);
    const device = await resources.pendingDevice(owner);
    const strangers: Array<[string, string]> = [
      [`user ${other.name}`, other.session.token],
      [`service account ${serviceAccount.account.name}`, serviceAccount.session.token],
    ];
    for (const [who, token] of strangers) {
      const list = await zenml.devices.list(token);
      expect(list).toHaveStatus(200, `${who} lists their devices`);
      expect(listed(list, device.id), `${who}'s list must not show ${owner.name}'s pending device`).toBe(false);
    }

    const authorized = await resources.approveDevice(device);
    const userCode = device.userCode;
    for (const [who, token] of strangers) {
      const attempts: Array<[string, () => Promise<ApiResponse>]> = [
        ['GET', () => zenml.devices.get(token, device.id)],
        ['GET with the user code', () => zenml.devices.get(token, device.id, userCode)],
        ['PUT {locked: true}', () => zenml.devices.update(token, device.id, { locked: true })],
        ['DELETE', () => zenml.devices.delete(token, device.id)],
      ];
      for (const [what, attempt] of attempts)
        expect(await attempt()).toHaveStatus([403, 404], `${who}: ${what} on ${owner.name}'s device`);
      expect(await zenml.devices.verify(token, device.id, userCode)).toHaveStatus(
        '4xx',
        `${who} verifies ${owner.name}'s approved device with its user code`,
      );
      const list = await zenml.devices.list(token);
      expect(listed(list, device.id), `${who}'s list must not show ${owner.name}'s device`).toBe(false);
    }

    // It stays as it was: the owner's, active, its token working.
    const mine = await zenml.devices.get(owner.session.token, device.id);
    expect(mine).toHaveStatus(200, `${owner.name} reads their device afterwards`);
    expect(mine.body.body.status, `${owner.name}'s device is still active`).toBe('active');
    if (mine.body.body.user_id !== undefined)
      expect(mine.body.body.user_id, 'the device still belongs to its owner').toBe(owner.id);
    await expectActsAs(zenml, authorized.token, owner, 'the device token afterwards', 'DEVICE-OWNER-ONLY');
  },
);

// --- locking, unlocking, deleting ---------------------------------------------------------------------

test(
  ...req(
    'DEVICE-REVOKE',
    'locking the device stops its token and the api_token minted from it, unlocking restores them, deleting stops them',
    { writes: true, also: ['DEVICE-ERROR-BODY'] },
  ),
  async ({ zenml, resources }) => {
    const owner = await resources.userSession();
    const device = await resources.authorizedDevice(owner);
    const minted = await zenml.apiToken(device.token);
    expect(minted).toHaveStatus(200, 'GET /api/v1/api_token with the device token');
    const tokens: Array<[string, string]> = [
      ['the device token', device.token],
      ['the api_token minted from it', minted.body],
    ];
    const token = owner.session.token;

    expect(await zenml.devices.update(token, device.id, { locked: true })).toHaveStatus(200, `${owner.name} locks the device`);
    for (const [what, t] of tokens) await expectTokenRefused(zenml, t, `current-user with ${what} while the device is locked`);
    expectCredentialRefused(await zenml.apiToken(device.token), 'api_token with the device token while the device is locked');

    expect(await zenml.devices.update(token, device.id, { locked: false })).toHaveStatus(200, `${owner.name} unlocks the device`);
    for (const [what, t] of tokens) await expectActsAs(zenml, t, owner, `${what} after unlocking`, 'DEVICE-REVOKE');

    expect(await zenml.devices.delete(token, device.id)).toHaveStatus(200, `${owner.name} deletes the device`);
    for (const [what, t] of tokens) await expectTokenRefused(zenml, t, `current-user with ${what} after the device was deleted`);
    const poll = await zenml.login.device(device.clientId, device.deviceCode);
    expectNoToken(poll, 'a poll for the deleted device', 'DEVICE-REVOKE');
  },
);

// --- polling speed ------------------------------------------------------------------------------------

test(
  ...req(
    'DEVICE-SLOW-DOWN',
    'a poll at half the interval is answered slow_down, and a poll at the interval is not answered 429',
    { writes: true, also: ['DEVICE-ERROR-BODY'] },
  ),
  async ({ zenml, resources }) => {
    const owner = await resources.userSession();
    const device: Device = await resources.pendingDevice(owner);
    test.skip(
      device.interval > MAX_INTERVAL_S,
      `the server advertises a polling interval of ${device.interval} s: waiting it out would take too long`,
    );
    const poll = () => zenml.login.device(device.clientId, device.deviceCode, { no429Retry: true });
    const first = await poll();
    if (first.status !== 429) expectOAuthError(first, 'the first poll');

    await sleep(device.interval / 2);
    const fast = await poll();
    if (fast.status !== 429) expectOAuthError(fast, `a poll ${device.interval / 2} s after the previous one`);
    should(
      fast.status === 400 && errorOf(fast) === 'slow_down',
      'DEVICE-SLOW-DOWN',
      `a poll ${device.interval / 2} s after the previous one (interval ${device.interval} s) answered ${fast.status} ${excerpt(fast.text, 200)}, not slow_down`,
      fast.exchange,
    );

    // The client obeys: the interval, 5 s more after a slow_down (RFC 8628 §3.5).
    const interval = device.interval + (errorOf(fast) === 'slow_down' || fast.status === 429 ? SLOW_DOWN_STEP_S : 0);
    await sleep(interval);
    const polite = await poll();
    if (polite.status !== 429) expectOAuthError(polite, `a poll ${interval} s after the previous one`);
    should(
      polite.status !== 429,
      'DEVICE-SLOW-DOWN',
      `a poll ${interval} s after the previous one (advertised interval ${device.interval} s) answered 429 ${excerpt(polite.text, 200)}`,
      polite.exchange,
    );
  },
);

// --- a client_id is no credential ---------------------------------------------------------------------

test(
  ...req(
    'DEVICE-CLIENT-ID-REUSE',
    "an unauthenticated device authorization with an authorized device's client_id neither ends its tokens nor hands it to another user",
    { writes: true, also: ['DEVICE-OWNER-ONLY'] },
  ),
  async ({ zenml, resources }) => {
    const [owner, other] = await Promise.all([resources.userSession(), resources.userSession()]);
    const device: AuthorizedDevice = await resources.authorizedDevice(owner);
    const minted = await zenml.apiToken(device.token);
    expect(minted).toHaveStatus(200, 'GET /api/v1/api_token with the device token');
    const before = device.userCode;

    // Anyone who learned the client_id (it is no secret: the CLI sends its config's user id).
    const { response: reuse, named } = await resources.reauthorizeDevice(device);
    for (const [what, t] of [
      ['the device token', device.token],
      ['the api_token minted from it', minted.body],
    ] as const) {
      const res = await zenml.currentUser.get(t);
      should(
        res.status === 200,
        'DEVICE-CLIENT-ID-REUSE',
        `${what} answers ${res.status} ${excerpt(res.text, 200)} after an unauthenticated device authorization reused the device's client_id (answered ${reuse.status})`,
        res.exchange,
      );
    }

    // New codes for the same device must not let another user take it over.
    if (named?.id === device.id && device.userCode !== before) {
      const owned = expect.about('DEVICE-OWNER-ONLY');
      owned(await zenml.devices.get(other.session.token, device.id, device.userCode)).toHaveStatus(
        [403, 404],
        `${other.name} reads ${owner.name}'s re-authorized device with the new user code`,
      );
      owned(await zenml.devices.verify(other.session.token, device.id, device.userCode)).toHaveStatus(
        '4xx',
        `${other.name} approves ${owner.name}'s re-authorized device with the new user code`,
      );
      const mine = await zenml.devices.get(owner.session.token, device.id);
      owned(mine).toHaveStatus(200, `${owner.name} still reads the re-authorized device as theirs`);
      if (mine.body.body.user_id !== undefined)
        owned(mine.body.body.user_id, 'the device still belongs to its owner').toBe(owner.id);
    }
  },
);
