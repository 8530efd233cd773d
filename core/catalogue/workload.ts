/**
 * Workload API tokens: GET /api/v1/api_token?token_type=workload mints a token without expiry that is
 * bound to one pipeline run, schedule or deployment (the scope), for the pipeline's own processes.
 * The scope is what makes such a token acceptable: it must exist, stay with every token minted from
 * it, and never be traded for another.
 */
import { ZENML_TOKENS, type Requirement } from './sources';

export const WORKLOAD = {
  'WORKLOAD-SCOPE-REQUIRED': {
    level: 'MUST',
    area: 'workload',
    title:
      'A workload token is refused (4xx, no token) without a scope, and for a pipeline run, schedule or deployment that does not exist',
    source: `${ZENML_TOKENS}, workload tokens; OWASP API5:2023`,
  },
  'WORKLOAD-GENERIC-UNSCOPED': {
    level: 'MUST',
    area: 'workload',
    title:
      'A generic API token cannot carry a scope: a generic request (explicit or by default) with a pipeline run, schedule or deployment is refused',
    source: `${ZENML_TOKENS}`,
  },
  'WORKLOAD-SCOPE-KEPT': {
    level: 'MUST',
    area: 'workload',
    title:
      'A generic API token minted from a workload token keeps its scope (pipeline_run_id, schedule_id): it cannot be used to mint a token for another run or schedule, and it ends where its scope ends',
    source: `${ZENML_TOKENS}; zenml auth_endpoints.py ("workload-scoped tokens must not be exchanged for unscoped tokens")`,
  },
  'WORKLOAD-NO-RESCOPE': {
    level: 'MUST',
    area: 'workload',
    title: 'A workload token scoped to one pipeline run or schedule cannot mint a token for another one',
    source: `${ZENML_TOKENS}; OWASP API1:2023`,
  },
} as const satisfies Record<string, Requirement>;
