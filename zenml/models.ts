/**
 * The parts of ZenML's request and response bodies the suite reads. The server's own OpenAPI
 * document holds every answer to its full schema (the contract check); these types only say what
 * the suite relies on.
 */

export interface TokenResponse {
  access_token?: string;
  token_type?: string;
  expires_in?: number | null;
  refresh_token?: string | null;
  csrf_token?: string | null;
  device_id?: string | null;
}

export interface UserResponse {
  id: string;
  name: string;
  body: {
    active: boolean;
    is_admin: boolean;
    is_service_account: boolean;
    activation_token?: string | null;
    created: string;
    full_name?: string;
  };
  metadata?: { email?: string | null };
}

export interface ServiceAccountResponse {
  id: string;
  name: string;
  body: { active: boolean; created: string };
}

export interface ApiKeyResponse {
  id: string;
  name: string;
  body: { key?: string | null; active: boolean; created: string };
  metadata?: {
    last_login?: string | null;
    last_rotated?: string | null;
    retain_period_minutes?: number;
    service_account?: { id: string };
  };
}

export interface Page<T> {
  items: T[];
  total: number;
  index: number;
  max_size: number;
  total_pages: number;
}

export interface DeviceAuthorizationResponse {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete?: string | null;
  expires_in: number;
  interval: number;
}

export interface DeviceResponse {
  id: string;
  body: { status: string; expires?: string | null; trusted_device?: boolean; client_id: string; user_id?: string | null };
  metadata?: { failed_auth_attempts?: number; locked?: boolean };
}

export interface SecretResponse {
  id: string;
  name: string;
  body: { private: boolean; values: Record<string, string | null> };
}

/** The RFC 6749 §5.2 error body (device grant errors). */
export interface OAuthErrorBody {
  error: string;
  error_description?: string | null;
  error_uri?: string | null;
}

export interface ServerInfo {
  id: string;
  version: string;
  auth_scheme: string;
  name?: string;
  server_url?: string | null;
}

export interface PipelineResponse {
  id: string;
  name: string;
}

export interface PipelineSnapshotResponse {
  id: string;
  body: { pipeline_id?: string | null };
}

export interface PipelineRunResponse {
  id: string;
  name: string;
  body: { status: string; in_progress?: boolean; root_run_id?: string | null };
}

export interface ScheduleResponse {
  id: string;
  name: string;
  body: { active: boolean };
}
