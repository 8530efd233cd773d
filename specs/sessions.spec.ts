/**
 * Browser sessions, the dashboard's sign-in path: the cookie a password login sets, what a broken or
 * second credential beside it does, logout, and the CSRF token of a cross-site session (the dashboard
 * served from another site). Every login here is a run-prefixed non-admin user's; the admin only lends
 * its bearer where a test needs a second, more powerful identity.
 *
 * The suite's client never keeps cookies between requests (a kept cookie would decide what a bearer
 * test is about), so a test sends the session cookie itself, as `auth: { cookie, csrfToken }`; the
 * cookie's name and value come from the login answer's Set-Cookie, never from a guess.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  cookieDomain,
  cookiePair,
  cookiePath,
  removesCookie,
  sessionCookieOf,
  setCookies,
  type SetCookie,
} from '../core/cookies';
import type { ApiResponse, Credentials } from '../core/http';
import { hmacSigned, tamperedPayload, type Claims } from '../core/jwt';
import { excerpt, registerSecret } from '../core/redaction';
import type { TargetConfig } from '../core/target';
import type { Extra, ZenmlApi } from '../zenml/api';
import type { TokenResponse } from '../zenml/models';
import { SetupFailed } from '../fixtures/resources';
import { expect, expectCredentialRefused, req, should, test } from '../fixtures/test';

/** A site that is not the server's under any reading: the reserved .example TLD (RFC 2606). */
const OTHER_SITE = 'https://zct-other-site.example';

/** A browser's session: the cookie as it sends it back, and what the login answered. */
interface BrowserSession {
  /** `name=value` */
  cookie: string;
  set: SetCookie;
  token: string;
  csrfToken?: string;
  response: ApiResponse<TokenResponse>;
}

/** The session a login answer starts; a login that sets no session cookie fails the test's requirement. */
function browserSession(res: ApiResponse<TokenResponse>, target: TargetConfig, what: string): BrowserSession {
  expect(res).toHaveStatus(200, what);
  const token = res.body.access_token ?? '';
  const set = sessionCookieOf(setCookies(res), { token, name: `zenml-server-${target.server.id}` });
  expect(
    set !== undefined,
    `${what}: a password login must set the session cookie the dashboard signs in with; Set-Cookie was ${excerpt(res.exchange.response.headers['set-cookie'] ?? '(none)')}`,
  ).toBe(true);
  const csrf = res.body.csrf_token;
  return { cookie: cookiePair(set!), set: set!, token, csrfToken: typeof csrf === 'string' ? csrf : undefined, response: res };
}

function describeCookie(c: SetCookie): string {
  return `${c.name}; ${c.attributeText}`;
}

const sameSite = (c: SetCookie) => c.attributes.get('samesite')?.toLowerCase();

/** The Origin a browser sends with every request of a page on `origin`. */
const from = (origin: string): Extra => ({ headers: { Origin: origin } });

/** The cookie's value with a changed token: a JWS keeps its header and signature around the edited
 * payload; anything else gets one character changed. */
function tamperedValue(value: string, edit: (c: Claims) => Claims): string {
  if (value.split('.').length === 3) {
    try {
      return tamperedPayload(value, edit);
    } catch {
      /* not a JWS after all */
    }
  }
  return `${value.slice(0, -1)}${value.endsWith('A') ? 'B' : 'A'}`;
}

// --- the cookie alone ------------------------------------------------------------------------------

test(
  ...req('SESSION-COOKIE', "the session cookie of a user's password login, alone, authenticates as that user", {
    writes: true,
  }),
  async ({ zenml, resources, target }) => {
    const user = await resources.userSession();
    const session = browserSession(user.session.response, target, "the user's password login");
    test.info().annotations.push({
      type: 'cookie',
      description: `${describeCookie(session.set)} (ZenML names it zenml-server-<server id>: zenml-server-${target.server.id})`,
    });
    const me = await zenml.currentUser.get({ cookie: session.cookie, csrfToken: session.csrfToken });
    expect(me).toHaveStatus(200, 'current-user with the session cookie alone (no bearer)');
    expect(me.body.id, 'the session cookie authenticates as the user that logged in').toBe(user.id);
  },
);

// --- broken cookies --------------------------------------------------------------------------------

test(
  ...req(
    'SESSION-COOKIE-INVALID',
    'a garbage, truncated, tampered or expired session cookie answers 401 alone and, beside a valid bearer, is refused or acts as the bearer only',
    { writes: true },
  ),
  async ({ zenml, admin, resources, target }) => {
    const user = await resources.userSession();
    const session = browserSession(user.session.response, target, "the user's password login");
    const { name, value } = session.set;
    const bearers = { user: { token: user.session.token, id: user.id }, admin: { token: admin.token, id: admin.userId } };
    // Each broken cookie beside the bearer of an identity it does not claim: a 200 as anyone but the
    // bearer can only come from the cookie.
    const cases: Array<{ name: string; value: string; beside: keyof typeof bearers }> = [
      { name: 'a garbage cookie', value: `zct-garbage-${randomBytes(12).toString('hex')}`, beside: 'user' },
      { name: 'a truncated cookie', value: value.slice(0, -4), beside: 'admin' },
      {
        name: "the user's cookie with its subject changed to the admin, signature kept",
        value: tamperedValue(value, (c) => ({ ...c, sub: admin.userId })),
        beside: 'user',
      },
    ];
    if (target.jwtSecret) {
      // The control: a token signed with the server's secret and the real claims (new jti) is accepted
      // as a cookie, so that the refusal of the expired one can only be about exp.
      const signed = (edit: (c: Claims) => Claims) =>
        hmacSigned(value, target.jwtSecret!, { edit: (c) => edit({ ...c, jti: randomUUID() }) });
      const resigned = signed((c) => c);
      registerSecret(resigned); // a working credential of the user
      const control = await zenml.currentUser.get({ cookie: `${name}=${resigned}` });
      expect(control).toHaveStatus(
        200,
        "control: the user's cookie re-signed with the server's secret (new jti) must be accepted, or the expired case proves nothing",
      );
      expect(control.body.id, 'control: the re-signed cookie is the user').toBe(user.id);
      cases.push({
        name: 'an expired cookie (exp an hour ago)',
        value: signed((c) => ({ ...c, exp: Math.floor(Date.now() / 1000) - 3600 })),
        beside: 'admin',
      });
    } else {
      test.info().annotations.push({
        type: 'skipped case',
        description:
          "an expired cookie: needs the server's JWT signing secret to sign one (ZENML_JWT_SECRET); the other cases ran",
      });
    }
    for (const c of cases) {
      const cookie = `${name}=${c.value}`;
      const alone = await zenml.currentUser.get({ cookie });
      expectCredentialRefused(alone, `${c.name}, alone`);
      const bearer = bearers[c.beside];
      const beside = await zenml.currentUser.get({ cookie, bearer: bearer.token });
      const refused = beside.status >= 400 && beside.status < 500;
      expect(
        refused || (beside.status === 200 && beside.body.id === bearer.id),
        `${c.name} beside the ${c.beside}'s valid bearer must be refused or act as the ${c.beside} only; got ${beside.status}${beside.status === 200 ? ` as ${beside.body.id === user.id ? 'the user' : beside.body.id === admin.userId ? 'the admin' : beside.body.id}` : ''}`,
      ).toBe(true);
    }
  },
);

// --- a cookie and a bearer of two identities -------------------------------------------------------

test(
  ...req(
    'SESSION-COOKIE-BEARER',
    "a user's cookie beside another identity's bearer acts as exactly one of them, with that one's permissions, or is refused",
    { writes: true },
  ),
  async ({ zenml, admin, resources, target }) => {
    const [a, b] = await Promise.all([resources.userSession(), resources.userSession()]);
    const cookieA = browserSession(a.session.response, target, "user A's password login");
    const cookieB = browserSession(b.session.response, target, "user B's password login");
    const who = new Map([
      [a.id, 'user A'],
      [b.id, 'user B'],
      [admin.userId, 'the admin'],
    ]);
    const winners: string[] = [];
    const names = new Map([
      [admin.name, 'of the admin'],
      [b.name, 'of user B'],
    ]);

    /** What `auth` may see of the account named `name`: a non-admin lists only herself, an admin anyone. */
    const sees = async (auth: Credentials, name: string) => {
      const res = await zenml.users.list(auth, { name });
      return res.status === 200 ? `${res.status}, ${res.body.total} account(s)` : `${res.status}`;
    };

    /** current-user with both, then what each side alone may see of an account: with both, the request
     * must see exactly what its winner alone sees. */
    async function pair(
      label: string,
      sides: { cookie: { id: string; auth: Credentials }; bearer: { id: string; auth: Credentials } },
      probeName: string,
    ): Promise<void> {
      const both: Credentials = { ...sides.cookie.auth, ...sides.bearer.auth };
      const me = await zenml.currentUser.get(both);
      if (me.status >= 400 && me.status < 500) {
        winners.push(`${label}: refused (${me.status})`);
        const probed = await zenml.users.list(both, { name: probeName });
        expect(
          probed.status >= 400 && probed.status < 500,
          `${label}: refused on current-user, so listing ${names.get(probeName) ?? probeName} must be refused too, got ${probed.status}`,
        ).toBe(true);
        return;
      }
      expect(me).toHaveStatus(200, `${label}: current-user`);
      const side = me.body.id === sides.cookie.id ? 'cookie' : me.body.id === sides.bearer.id ? 'bearer' : undefined;
      expect(
        side !== undefined,
        `${label}: current-user must be the cookie's or the bearer's identity, got ${who.get(me.body.id) ?? me.body.id}`,
      ).toBe(true);
      const winner = who.get(me.body.id)!;
      winners.push(`${label}: ${winner} (the ${side})`);
      const [withBoth, winnerAlone] = await Promise.all([sees(both, probeName), sees(sides[side!].auth, probeName)]);
      expect(
        withBoth,
        `${label}: the request acts as ${winner} (the ${side}), so listing the account ${names.get(probeName)} must show what ${winner} alone sees`,
      ).toBe(winnerAlone);
    }

    const userA = {
      cookie: { id: a.id, auth: { cookie: cookieA.cookie } },
      bearer: { id: a.id, auth: { bearer: a.session.token } },
    };
    const userB = {
      cookie: { id: b.id, auth: { cookie: cookieB.cookie } },
      bearer: { id: b.id, auth: { bearer: b.session.token } },
    };
    // Two non-admin users: neither sees the admin's account, so neither may the pair.
    await pair("A's cookie and B's bearer", { cookie: userA.cookie, bearer: userB.bearer }, admin.name);
    await pair("B's cookie and A's bearer", { cookie: userB.cookie, bearer: userA.bearer }, admin.name);
    // A user and the admin: the request sees what the identity it acts as sees, no more.
    await pair(
      "A's cookie and the admin's bearer",
      { cookie: userA.cookie, bearer: { id: admin.userId, auth: { bearer: admin.token } } },
      b.name,
    );
    test.info().annotations.push({ type: 'which credential wins', description: winners.join('; ') });
  },
);

// --- logout ----------------------------------------------------------------------------------------

/** The Set-Cookie of a logout answer that replaces the session cookie, and whether it removes it. */
function clearing(out: ApiResponse, session: BrowserSession): { set?: SetCookie; removes: boolean; problems: string[] } {
  const set = setCookies(out)
    .filter((c) => c.name === session.set.name)
    .at(-1);
  if (!set) return { removes: false, problems: [`no Set-Cookie for ${session.set.name}`] };
  const now = Date.parse(out.headers.date ?? '') || Date.now();
  const problems: string[] = [];
  if (!removesCookie(set, now)) problems.push(`it is not expired (${set.attributeText})`);
  const [path, loginPath] = [
    cookiePath(set, out.exchange.request.url),
    cookiePath(session.set, session.response.exchange.request.url),
  ];
  if (path !== loginPath) problems.push(`Path ${path}, but the session cookie's is ${loginPath} (a browser keeps both)`);
  if (cookieDomain(set) !== cookieDomain(session.set))
    problems.push(
      `Domain ${cookieDomain(set) || '(host only)'}, but the session cookie's is ${cookieDomain(session.set) || '(host only)'}`,
    );
  return { set, removes: problems.length === 0, problems };
}

test(
  ...req(
    'SESSION-LOGOUT',
    'logout clears the session cookie (same name, Path and Domain, expired) and says what becomes of the token',
    {
      also: ['SESSION-LOGOUT-TOKEN'],
      writes: true,
    },
  ),
  async ({ zenml, resources, target }) => {
    const user = await resources.userSession();
    const session = browserSession(user.session.response, target, "the user's password login");
    const out = await zenml.logout({ cookie: session.cookie, csrfToken: session.csrfToken });
    expect(out).toHaveStatus(200, 'logout with the session cookie');
    const cleared = clearing(out, session);
    expect(
      cleared.removes,
      `logout must clear the session cookie ${session.set.name} (${describeCookie(session.set)}): ${cleared.problems.join('; ')}`,
    ).toBe(true);

    // What becomes of the token: a browser no longer has it, but whoever copied it may.
    const [asCookie, asBearer] = await Promise.all([
      zenml.currentUser.get({ cookie: session.cookie, csrfToken: session.csrfToken }),
      zenml.currentUser.get(session.token),
    ]);
    test.info().annotations.push({
      type: 'after logout',
      description: `the session's token answers ${asCookie.status} as a cookie and ${asBearer.status} as a bearer (cleared with ${describeCookie(cleared.set!)})`,
    });
    const sides: Array<[string, ApiResponse]> = [
      ['a cookie', asCookie],
      ['a bearer', asBearer],
    ];
    const working = sides.filter(([, res]) => res.status !== 401);
    should(
      working.length === 0,
      'SESSION-LOGOUT-TOKEN',
      `after logout the session's token still works as ${working.map(([how, res]) => `${how} (${res.status})`).join(' and ')}: logout only clears the browser's copy`,
      working[0]?.[1].exchange,
    );
  },
);

// --- cross-site sessions and CSRF ------------------------------------------------------------------

/** A cross-site login: the session, with its csrf_token; without one the CSRF rules cannot be checked. */
async function crossSiteSession(
  zenml: ZenmlApi,
  user: { name: string; password: string },
  origin: string,
  target: TargetConfig,
): Promise<BrowserSession & { csrfToken: string }> {
  const res = await zenml.login.password(user.name, user.password, from(origin));
  if (res.status !== 200)
    throw new SetupFailed(`setup: a login with Origin ${origin} answered ${res.status} ${excerpt(res.text)}`);
  const session = browserSession(res, target, `a login with Origin ${origin}`);
  if (!session.csrfToken)
    throw new SetupFailed(
      `setup: a login with Origin ${origin} answered no csrf_token (see SESSION-CROSS-SITE), so CSRF cannot be checked`,
    );
  return session as BrowserSession & { csrfToken: string };
}

/** What a cross-site login must answer: a csrf_token and a cookie a browser sends cross-site. */
function expectCrossSiteLogin(res: ApiResponse<TokenResponse>, target: TargetConfig, what: string): BrowserSession {
  const session = browserSession(res, target, what);
  expect(
    typeof session.csrfToken === 'string' && session.csrfToken.length > 0,
    `${what}: the answer must carry a csrf_token, got ${JSON.stringify(res.body.csrf_token ?? null)}`,
  ).toBe(true);
  expect(
    sameSite(session.set) === 'none' && session.set.attributes.has('secure'),
    `${what}: the session cookie must be SameSite=None; Secure (a browser sends no other kind cross-site, and drops SameSite=None without Secure), got ${describeCookie(session.set)}`,
  ).toBe(true);
  return session;
}

test(
  ...req(
    'SESSION-CROSS-SITE',
    "a login with another site's Origin gets a csrf_token and a SameSite=None; Secure cookie, which work together",
    {
      also: ['SESSION-LOGOUT-CROSS-SITE'],
      writes: true,
    },
  ),
  async ({ zenml, resources, target }) => {
    const user = await resources.user();
    const what = `a login with Origin ${OTHER_SITE}`;
    const session = expectCrossSiteLogin(await zenml.login.password(user.name, user.password, from(OTHER_SITE)), target, what);
    test.info().annotations.push({ type: 'cookie', description: `cross-site: ${describeCookie(session.set)}` });
    const me = await zenml.currentUser.get({ cookie: session.cookie, csrfToken: session.csrfToken }, from(OTHER_SITE));
    expect(me).toHaveStatus(200, 'current-user with the cross-site cookie and its X-CSRF-Token');
    expect(me.body.id, 'the cross-site session is the user that logged in').toBe(user.id);

    // Logout from that site: the clearing cookie must be one the browser accepts from a cross-site answer.
    const out = await zenml.logout({ cookie: session.cookie, csrfToken: session.csrfToken }, from(OTHER_SITE));
    expect(out).toHaveStatus(200, `logout with Origin ${OTHER_SITE}`);
    const cleared = clearing(out, session);
    const problems = [...cleared.problems];
    if (cleared.set && !(sameSite(cleared.set) === 'none' && cleared.set.attributes.has('secure')))
      problems.push(
        `it is ${describeCookie(cleared.set)}: a browser ignores a cookie that is not SameSite=None; Secure from a cross-site answer, so the session cookie stays`,
      );
    should(
      problems.length === 0,
      'SESSION-LOGOUT-CROSS-SITE',
      `logout of the cross-site session does not clear its cookie in the browser: ${problems.join('; ')}`,
      out.exchange,
    );
  },
);

test(
  ...req(
    'SESSION-CSRF',
    "a cross-site session's GET and PUT need its X-CSRF-Token: none, a garbage one or another session's answer 401 and change nothing",
    { writes: true },
  ),
  async ({ zenml, resources, target }) => {
    const user = await resources.user();
    // Two sessions of the same user: a token bound to the user, not the session, would pass for both.
    const [first, second] = await Promise.all([
      crossSiteSession(zenml, user, OTHER_SITE, target),
      crossSiteSession(zenml, user, OTHER_SITE, target),
    ]);
    const site = from(OTHER_SITE);
    const refusals: Array<[string, string | undefined]> = [
      ['no X-CSRF-Token', undefined],
      ['a garbage X-CSRF-Token', `zct-garbage-${randomBytes(16).toString('base64url')}`],
      ['the X-CSRF-Token of another session of the same user', second.csrfToken],
    ];
    for (const [what, csrfToken] of refusals) {
      const res = await zenml.currentUser.get({ cookie: first.cookie, csrfToken }, site);
      expectCredentialRefused(res, `GET current-user with the cross-site cookie and ${what}`);
    }
    const me = await zenml.currentUser.get({ cookie: first.cookie, csrfToken: first.csrfToken }, site);
    expect(me).toHaveStatus(200, "control: GET current-user with the cross-site cookie and the session's own X-CSRF-Token");
    expect(me.body.id, 'control: the session is the user').toBe(user.id);

    // A write: refused, and nothing changed.
    const attempted = `zct refused ${randomBytes(4).toString('hex')}`;
    for (const [what, csrfToken] of [refusals[0], refusals[2]]) {
      const res = await zenml.currentUser.update({ cookie: first.cookie, csrfToken }, { full_name: attempted }, site);
      expectCredentialRefused(res, `PUT current-user with the cross-site cookie and ${what}`);
    }
    const after = await zenml.currentUser.get({ cookie: first.cookie, csrfToken: first.csrfToken }, site);
    expect(after).toHaveStatus(200, 'GET current-user after the refused writes');
    expect(after.body.body.full_name, 'a refused write must change nothing (full_name)').not.toBe(attempted);
    const accepted = `zct accepted ${randomBytes(4).toString('hex')}`;
    const write = await zenml.currentUser.update(
      { cookie: first.cookie, csrfToken: first.csrfToken },
      { full_name: accepted },
      site,
    );
    expect(write).toHaveStatus(200, "control: PUT current-user with the session's own X-CSRF-Token");
    expect(write.body.body.full_name, 'control: the write with the right X-CSRF-Token is applied').toBe(accepted);
  },
);

/** Origins that only look like the server's: its host name as a subdomain label of another site, and
 * inside another site's name. Both are other registrable domains, whatever the host. */
function lookalikes(baseURL: string): string[] {
  const url = new URL(baseURL);
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/:/g, '-');
  const port = url.port ? `:${url.port}` : '';
  return [`${url.protocol}//${host}.evil.example${port}`, `${url.protocol}//evil-${host}.example${port}`];
}

test(
  ...req(
    'SESSION-LOOKALIKE-ORIGIN',
    "a login from an Origin that only looks like the server's (<host>.evil.example, evil-<host>.example) is cross-site",
    { writes: true },
  ),
  async ({ zenml, resources, target }) => {
    const user = await resources.user();
    for (const origin of lookalikes(target.baseURL)) {
      const what = `a login with Origin ${origin}`;
      const session = expectCrossSiteLogin(await zenml.login.password(user.name, user.password, from(origin)), target, what);
      const without = await zenml.currentUser.get({ cookie: session.cookie }, from(origin));
      expectCredentialRefused(without, `${what}: its cookie without X-CSRF-Token`);
      const withToken = await zenml.currentUser.get({ cookie: session.cookie, csrfToken: session.csrfToken }, from(origin));
      expect(withToken).toHaveStatus(200, `${what}: its cookie with its X-CSRF-Token`);
    }
  },
);
