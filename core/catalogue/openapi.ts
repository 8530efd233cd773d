/** The server's own OpenAPI document and its public endpoints. */
import { ZENML_API, type Requirement } from './sources';

export const OPENAPI = {
  'OAS-DOC': {
    level: 'MUST',
    area: 'openapi',
    title: '/openapi.json is served, is a valid OpenAPI 3.x document and declares the login and current-user operations',
    source: `${ZENML_API}; OpenAPI 3.1.0`,
  },
  'OAS-DOCS-UI': {
    level: 'SHOULD',
    area: 'openapi',
    title: '/docs (Swagger UI) and /redoc are served as HTML that load /openapi.json',
    source: 'FastAPI defaults, as ZenML serves them',
  },
  'OAS-OPERATION': {
    level: 'MUST',
    area: 'openapi',
    title: 'Every operation a client uses is declared in the OpenAPI document',
    source: 'OpenAPI 3.1.0 §4.8.8 Paths Object',
  },
  'OAS-STATUS': {
    level: 'MUST',
    area: 'openapi',
    title: 'Every response status is documented for its operation',
    source: 'OpenAPI 3.1.0 §4.8.16 Responses Object',
  },
  'OAS-CONTENT-TYPE': {
    level: 'MUST',
    area: 'openapi',
    title: 'Every response content type is documented for its status',
    source: 'OpenAPI 3.1.0 §4.8.17 Response Object',
  },
  'OAS-SCHEMA': {
    level: 'MUST',
    area: 'openapi',
    title: 'Every response body validates against the documented schema',
    source: 'OpenAPI 3.1.0 §4.8.24 Schema Object; JSON Schema 2020-12',
  },
  'SRV-HEALTH': {
    level: 'MUST',
    area: 'openapi',
    title: 'GET /health answers 200 without authentication',
    source: `${ZENML_API}, health`,
  },
  'SRV-INFO': {
    level: 'MUST',
    area: 'openapi',
    title: 'GET /api/v1/info is public and describes the server (id, version, auth scheme)',
    source: `${ZENML_API}, server info`,
  },
} as const satisfies Record<string, Requirement>;
