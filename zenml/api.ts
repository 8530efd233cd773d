/**
 * The typed ZenML API layer: the one place that knows ZenML's paths, forms and payloads. Specs,
 * fixtures, the preflight, the global setup and the sweeper say what they do in its terms
 * (`zenml.apiKeys.rotate(key, 5)`); every answer comes back whole (status, headers, body), so that a
 * test decides for itself what it expects, a refusal included. It sends through a Transport: in the
 * suite, the validating client, which holds every answer to the server's own OpenAPI document.
 */
import type { ApiResponse, Auth, SendOptions, Transport } from '../core/http';
import type {
  ApiKeyResponse,
  DeviceAuthorizationResponse,
  DeviceResponse,
  Page,
  PipelineResponse,
  PipelineRunResponse,
  PipelineSnapshotResponse,
  ScheduleResponse,
  SecretResponse,
  ServerInfo,
  ServiceAccountResponse,
  TokenResponse,
  UserResponse,
} from './models';

export const API_V1 = '/api/v1';

/** Every path the suite sends to; ids are inserted as given (they are UUIDs or run-prefixed names). */
export const PATHS = {
  health: '/health',
  openapi: '/openapi.json',
  info: `${API_V1}/info`,
  login: `${API_V1}/login`,
  logout: `${API_V1}/logout`,
  apiToken: `${API_V1}/api_token`,
  deviceAuthorization: `${API_V1}/device_authorization`,
  currentUser: `${API_V1}/current-user`,
  users: `${API_V1}/users`,
  user: (id: string) => `${API_V1}/users/${id}`,
  serviceAccounts: `${API_V1}/service_accounts`,
  serviceAccount: (id: string) => `${API_V1}/service_accounts/${id}`,
  apiKeys: (saId: string) => `${API_V1}/service_accounts/${saId}/api_keys`,
  apiKey: (saId: string, keyId: string) => `${API_V1}/service_accounts/${saId}/api_keys/${keyId}`,
  devices: `${API_V1}/devices`,
  device: (id: string) => `${API_V1}/devices/${id}`,
  secrets: `${API_V1}/secrets`,
  secret: (id: string) => `${API_V1}/secrets/${id}`,
} as const;

/** The grant_type values of POST /api/v1/login (RFC 6749 §4.3, RFC 8628 §3.4, ZenML's own). */
export const GRANT = {
  password: 'password',
  apiKey: 'zenml-api-key',
  deviceCode: 'urn:ietf:params:oauth:grant-type:device_code',
} as const;

/** Extra request options a call may carry besides its own arguments (headers, odd encodings). */
export type Extra = Pick<SendOptions, 'headers' | 'params' | 'no429Retry' | 'undeclared'>;

export interface ApiTokenParams {
  token_type?: 'generic' | 'workload';
  expires_in?: number;
  schedule_id?: string;
  pipeline_run_id?: string;
  deployment_id?: string;
}

/** A key as the suite knows it: its service account and, when it has it, the plaintext value. */
export interface KeyRef {
  id: string;
  serviceAccountId: string;
}

type R<T> = Promise<ApiResponse<T>>;

export class ZenmlApi {
  constructor(readonly http: Transport) {}

  private get<T>(path: string, auth?: Auth, extra: Extra & Pick<SendOptions, 'uncontracted'> = {}): R<T> {
    return this.http.send<T>('GET', path, { auth, ...extra });
  }
  private put<T>(path: string, data: unknown, auth?: Auth, extra: Extra = {}): R<T> {
    return this.http.send<T>('PUT', path, { auth, data, ...extra });
  }
  private post<T>(path: string, data: unknown, auth?: Auth, extra: Extra = {}): R<T> {
    return this.http.send<T>('POST', path, { auth, data, ...extra });
  }
  private delete<T = null>(path: string, auth?: Auth, extra: Extra = {}): R<T> {
    return this.http.send<T>('DELETE', path, { auth, ...extra });
  }

  // --- the server ----------------------------------------------------------------------------------

  readonly server = {
    health: (extra?: Extra) => this.get<string>(PATHS.health, undefined, extra),
    info: (extra?: Extra) => this.get<ServerInfo>(PATHS.info, undefined, extra),
    /** The document describes the API; it is not an operation of itself. */
    openapi: () => this.get<Record<string, unknown>>(PATHS.openapi, undefined, { uncontracted: 'the OpenAPI document itself' }),
    /** /docs (Swagger UI) or /redoc: HTML pages, not operations. */
    page: (page: '/docs' | '/redoc') =>
      this.get<undefined>(page, undefined, { uncontracted: 'an HTML page, not an API operation' }),
  };

  // --- signing in ----------------------------------------------------------------------------------

  readonly login = {
    /** The password grant; `grantType: true` sends grant_type=password explicitly (RFC 6749 §4.3.2). */
    password: (username: string, password: string, options: { grantType?: boolean } & Extra = {}) => {
      const { grantType, ...extra } = options;
      return this.form({ ...(grantType ? { grant_type: GRANT.password } : {}), username, password }, extra);
    },
    /** An API key alone in `password`, as the docs' curl example; `grantType: true` adds
     * grant_type=zenml-api-key, as the ZenML Python client sends it. */
    apiKey: (key: string, options: { grantType?: boolean } & Extra = {}) => {
      const { grantType, ...extra } = options;
      return this.form({ ...(grantType ? { grant_type: GRANT.apiKey } : {}), password: key }, extra);
    },
    /** The device grant's token request (RFC 8628 §3.4): polled until the user approves. */
    device: (clientId: string, deviceCode: string, extra: Extra = {}) =>
      this.form({ grant_type: GRANT.deviceCode, client_id: clientId, device_code: deviceCode }, extra),
    /** Any form, encoded as a client library would; a string is sent exactly as given (already encoded,
     * as `curl -d` sends it). */
    form: (form: Record<string, string> | string, extra: Extra = {}) => this.form(form, extra),
    /** A JSON body instead of a form: a client error the server must refuse. */
    json: (data: Record<string, string>, extra: Extra = {}) =>
      this.http.send<TokenResponse>('POST', PATHS.login, { data, ...extra }),
    /** GET on the token endpoint, which takes POST only (RFC 6749 §3.2). */
    get: (params: Record<string, string> = {}) =>
      this.http.send<TokenResponse>('GET', PATHS.login, {
        params,
        undeclared: 'the token endpoint takes POST only (RFC 6749 §3.2); a GET must be refused',
      }),
  };

  private form(form: Record<string, string> | string, extra: Extra): R<TokenResponse> {
    return this.http.send<TokenResponse>('POST', PATHS.login, { form, ...extra });
  }

  /** GET /api/v1/logout: ends the browser session (clears the cookie). */
  logout(auth?: Auth, extra: Extra = {}): R<null> {
    return this.get<null>(PATHS.logout, auth, extra);
  }

  /** GET /api/v1/api_token: a new token for the caller; the answer is the bare JWT as a JSON string. */
  apiToken(auth: Auth, params: ApiTokenParams = {}, extra: Extra = {}): R<string> {
    return this.get<string>(PATHS.apiToken, auth, { ...extra, params: { ...params, ...extra.params } });
  }

  /** POST /api/v1/device_authorization (RFC 8628 §3.1): no authentication, a form with client_id. */
  deviceAuthorization(clientId: string, extra: Extra = {}): R<DeviceAuthorizationResponse> {
    return this.http.send<DeviceAuthorizationResponse>('POST', PATHS.deviceAuthorization, {
      form: { client_id: clientId },
      ...extra,
    });
  }

  // --- identities ----------------------------------------------------------------------------------

  readonly currentUser = {
    get: (auth?: Auth, extra?: Extra) => this.get<UserResponse>(PATHS.currentUser, auth, extra),
    update: (auth: Auth, update: Record<string, unknown>, extra?: Extra) =>
      this.put<UserResponse>(PATHS.currentUser, update, auth, extra),
    /** A password change needs the current one (ZenML refuses it otherwise); `null` sends old_password: null. */
    changePassword: (auth: Auth, password: string, oldPassword?: string | null) =>
      this.put<UserResponse>(
        PATHS.currentUser,
        { password, ...(oldPassword === undefined ? {} : { old_password: oldPassword }) },
        auth,
      ),
  };

  readonly users = {
    create: (auth: Auth, user: { name: string; password?: string; is_admin?: boolean; active?: boolean; full_name?: string }) =>
      this.post<UserResponse>(PATHS.users, { is_admin: false, active: true, ...user }, auth),
    get: (auth: Auth, id: string, extra?: Extra) => this.get<UserResponse>(PATHS.user(id), auth, extra),
    list: (auth: Auth, params: Record<string, string | number | boolean> = {}) =>
      this.get<Page<UserResponse>>(PATHS.users, auth, { params }),
    update: (auth: Auth, id: string, update: Record<string, unknown>) => this.put<UserResponse>(PATHS.user(id), update, auth),
    /** Deactivation answers with the user and a new activation token. */
    deactivate: (auth: Auth, id: string) => this.put<UserResponse>(`${PATHS.user(id)}/deactivate`, undefined, auth),
    /** Activation needs no authentication: the activation token is the credential. */
    activate: (id: string, activationToken: string, password: string, auth?: Auth) =>
      this.put<UserResponse>(`${PATHS.user(id)}/activate`, { activation_token: activationToken, password }, auth),
    delete: (auth: Auth, id: string) => this.delete(PATHS.user(id), auth),
    /** A user changing their own password through their user record (the same rule as currentUser). */
    changePassword: (auth: Auth, id: string, password: string, oldPassword?: string | null) =>
      this.put<UserResponse>(
        PATHS.user(id),
        { password, ...(oldPassword === undefined ? {} : { old_password: oldPassword }) },
        auth,
      ),
  };

  readonly serviceAccounts = {
    create: (auth: Auth, account: { name: string; active?: boolean; description?: string }) =>
      this.post<ServiceAccountResponse>(PATHS.serviceAccounts, { active: true, ...account }, auth),
    get: (auth: Auth, id: string) => this.get<ServiceAccountResponse>(PATHS.serviceAccount(id), auth),
    list: (auth: Auth, params: Record<string, string | number | boolean> = {}) =>
      this.get<Page<ServiceAccountResponse>>(PATHS.serviceAccounts, auth, { params }),
    update: (auth: Auth, id: string, update: { active?: boolean; name?: string; description?: string }) =>
      this.put<ServiceAccountResponse>(PATHS.serviceAccount(id), update, auth),
    delete: (auth: Auth, id: string) => this.delete(PATHS.serviceAccount(id), auth),
  };

  readonly apiKeys = {
    create: (auth: Auth, serviceAccountId: string, key: { name: string; description?: string }) =>
      this.post<ApiKeyResponse>(PATHS.apiKeys(serviceAccountId), key, auth),
    get: (auth: Auth, key: KeyRef, params: { hydrate?: boolean } = {}) =>
      this.get<ApiKeyResponse>(PATHS.apiKey(key.serviceAccountId, key.id), auth, { params }),
    list: (auth: Auth, serviceAccountId: string, params: Record<string, string | number | boolean> = {}) =>
      this.get<Page<ApiKeyResponse>>(PATHS.apiKeys(serviceAccountId), auth, { params }),
    /** A new secret for the key; the previous one keeps working `retainPeriodMinutes` more. */
    rotate: (auth: Auth, key: KeyRef, retainPeriodMinutes = 0) =>
      this.put<ApiKeyResponse>(
        `${PATHS.apiKey(key.serviceAccountId, key.id)}/rotate`,
        { retain_period_minutes: retainPeriodMinutes },
        auth,
      ),
    update: (auth: Auth, key: KeyRef, update: { active?: boolean; name?: string; description?: string }) =>
      this.put<ApiKeyResponse>(PATHS.apiKey(key.serviceAccountId, key.id), update, auth),
    delete: (auth: Auth, key: KeyRef) => this.delete(PATHS.apiKey(key.serviceAccountId, key.id), auth),
  };

  readonly devices = {
    /** While a device is pending, its owner-to-be proves it with the user code. */
    get: (auth: Auth, id: string, userCode?: string) =>
      this.get<DeviceResponse>(PATHS.device(id), auth, { params: { user_code: userCode } }),
    list: (auth: Auth, params: Record<string, string | number | boolean> = {}) =>
      this.get<Page<DeviceResponse>>(PATHS.devices, auth, { params }),
    /** The user approves the device with its user code (RFC 8628 §3.3), as the caller. */
    verify: (auth: Auth, id: string, userCode: string, trustedDevice = false) =>
      this.put<DeviceResponse>(`${PATHS.device(id)}/verify`, { user_code: userCode, trusted_device: trustedDevice }, auth),
    update: (auth: Auth, id: string, update: { locked?: boolean }) => this.put<DeviceResponse>(PATHS.device(id), update, auth),
    delete: (auth: Auth, id: string) => this.delete(PATHS.device(id), auth),
  };

  readonly secrets = {
    create: (auth: Auth, secret: { name: string; private: boolean; values: Record<string, string> }, extra?: Extra) =>
      this.post<SecretResponse>(PATHS.secrets, secret, auth, extra),
    get: (auth: Auth, id: string) => this.get<SecretResponse>(PATHS.secret(id), auth),
    list: (auth: Auth, params: Record<string, string | number | boolean> = {}) =>
      this.get<Page<SecretResponse>>(PATHS.secrets, auth, { params }),
    update: (auth: Auth, id: string, update: { values?: Record<string, string>; private?: boolean; name?: string }) =>
      this.put<SecretResponse>(PATHS.secret(id), update, auth),
    delete: (auth: Auth, id: string) => this.delete(PATHS.secret(id), auth),
  };

  // --- authorization, the secured surface, workloads ----------------------------------------------

  /** Any operation the document declares, by its method and path template: `{name}` placeholders are
   * filled from `pathParams` (URL-encoded). No body unless `extra` carries one. For sweeps over the
   * whole document; every other call has its own method. */
  operation<T = unknown>(
    method: string,
    template: string,
    pathParams: Record<string, string>,
    auth?: Auth,
    extra: Extra = {},
  ): R<T> {
    const path = template.replace(/\{([^}]+)\}/g, (_m, name: string) => {
      const value = pathParams[name];
      if (value === undefined) throw new Error(`no value for path parameter {${name}} of ${method} ${template}`);
      return encodeURIComponent(value);
    });
    return this.http.send<T>(method.toUpperCase(), path, { auth, ...extra });
  }

  readonly userAdministration = {
    /** Sets another (or one's own) account's email and opt-in; ZenML lets only the owner do it. */
    emailOptIn: (auth: Auth, id: string, update: { email?: string; email_opted_in: boolean }) =>
      this.put<UserResponse>(`${PATHS.user(id)}/email-opt-in`, update, auth),
  };

  /** Copying all secrets to and from the backup secrets store (admin only). */
  readonly secretsOperations = {
    backup: (auth: Auth) => this.put<null>(`${API_V1}/secrets_operations/backup`, undefined, auth),
    restore: (auth: Auth) => this.put<null>(`${API_V1}/secrets_operations/restore`, undefined, auth),
  };

  /** What a pipeline run needs over REST with the default stack (no orchestrator runs anything). */
  readonly projects = {
    list: (auth: Auth, params: Record<string, string | number | boolean> = {}) =>
      this.get<Page<{ id: string; name: string }>>(PIPELINE_PATHS.projects, auth, { params }),
  };

  readonly stacks = {
    list: (auth: Auth, params: Record<string, string | number | boolean> = {}) =>
      this.get<Page<{ id: string; name: string }>>(PIPELINE_PATHS.stacks, auth, { params }),
  };

  readonly components = {
    /** `type`: e.g. "orchestrator". */
    list: (auth: Auth, params: Record<string, string | number | boolean> = {}) =>
      this.get<Page<{ id: string; name: string }>>(PIPELINE_PATHS.components, auth, { params }),
  };

  readonly pipelines = {
    create: (auth: Auth, pipeline: { project: string; name: string }) =>
      this.post<PipelineResponse>(PIPELINE_PATHS.pipelines, pipeline, auth),
    list: (auth: Auth, params: Record<string, string | number | boolean> = {}) =>
      this.get<Page<PipelineResponse>>(PIPELINE_PATHS.pipelines, auth, { params }),
    /** Deleting a pipeline deletes its snapshots and runs too (measured on 0.98.0), not its schedules. */
    delete: (auth: Auth, id: string) => this.delete(`${PIPELINE_PATHS.pipelines}/${id}`, auth),
  };

  readonly snapshots = {
    create: (
      auth: Auth,
      snapshot: { project: string; pipeline: string; stack: string; run_name_template: string; pipeline_name: string },
    ) =>
      this.post<PipelineSnapshotResponse>(
        PIPELINE_PATHS.snapshots,
        {
          project: snapshot.project,
          pipeline: snapshot.pipeline,
          stack: snapshot.stack,
          run_name_template: snapshot.run_name_template,
          pipeline_configuration: { name: snapshot.pipeline_name },
        },
        auth,
      ),
    delete: (auth: Auth, id: string) => this.delete(`${PIPELINE_PATHS.snapshots}/${id}`, auth),
  };

  readonly runs = {
    /** POST /runs is get-or-create: the answer is `[run, created]`. */
    create: (auth: Auth, run: { project: string; name: string; snapshot: string; status?: string }) =>
      this.post<[PipelineRunResponse, boolean]>(PIPELINE_PATHS.runs, { status: 'running', ...run }, auth),
    get: (auth: Auth, id: string) => this.get<PipelineRunResponse>(`${PIPELINE_PATHS.runs}/${id}`, auth),
    list: (auth: Auth, params: Record<string, string | number | boolean> = {}) =>
      this.get<Page<PipelineRunResponse>>(PIPELINE_PATHS.runs, auth, { params }),
    update: (auth: Auth, id: string, update: { status?: string }) =>
      this.put<PipelineRunResponse>(`${PIPELINE_PATHS.runs}/${id}`, update, auth),
    delete: (auth: Auth, id: string) => this.delete(`${PIPELINE_PATHS.runs}/${id}`, auth),
  };

  readonly schedules = {
    create: (
      auth: Auth,
      schedule: { project: string; name: string; pipeline_id: string; orchestrator_id: string; cron_expression?: string },
    ) => this.post<ScheduleResponse>(PIPELINE_PATHS.schedules, { active: true, cron_expression: '* * * * *', ...schedule }, auth),
    get: (auth: Auth, id: string) => this.get<ScheduleResponse>(`${PIPELINE_PATHS.schedules}/${id}`, auth),
    list: (auth: Auth, params: Record<string, string | number | boolean> = {}) =>
      this.get<Page<ScheduleResponse>>(PIPELINE_PATHS.schedules, auth, { params }),
    update: (auth: Auth, id: string, update: { active?: boolean }) =>
      this.put<ScheduleResponse>(`${PIPELINE_PATHS.schedules}/${id}`, update, auth),
    /** A hard delete (`soft=false`; the parameter is required from 0.96 on, ignored before). */
    delete: (auth: Auth, id: string) => this.delete(`${PIPELINE_PATHS.schedules}/${id}`, auth, { params: { soft: false } }),
  };
}

/** The device a device authorization answer names: ZenML gives its id only as the device_id
 * parameter of verification_uri_complete (the dashboard page the person opens). */
export function deviceIdOf(authorization: Pick<DeviceAuthorizationResponse, 'verification_uri_complete'>): string | undefined {
  const uri = authorization?.verification_uri_complete;
  if (typeof uri !== 'string') return undefined;
  try {
    return new URL(uri, 'http://relative.invalid').searchParams.get('device_id') ?? undefined;
  } catch {
    return undefined;
  }
}

/** The pipeline resources a workload token can be scoped to, and what creating them needs. */
export const PIPELINE_PATHS = {
  projects: `${API_V1}/projects`,
  stacks: `${API_V1}/stacks`,
  components: `${API_V1}/components`,
  pipelines: `${API_V1}/pipelines`,
  snapshots: `${API_V1}/pipeline_snapshots`,
  runs: `${API_V1}/runs`,
  schedules: `${API_V1}/schedules`,
} as const;
