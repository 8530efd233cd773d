/** A login rate limit, where the target has one: what it must and should do. */
import type { Requirement } from './sources';

const ZENML_RATE_LIMIT = 'ZenML docs, server configuration (ZENML_SERVER_RATE_LIMIT_ENABLED)';

export const RATE_LIMIT = {
  'RATE-LIMIT-LOGIN': {
    level: 'SHOULD',
    area: 'rate-limit',
    title: 'Repeated failed logins from one client are refused with 429 within a few attempts',
    source: 'RFC 6749 §4.3.2 (protect the endpoint against brute force); OWASP API2:2023, API4:2023',
  },
  'RATE-LIMIT-RETRY-AFTER': {
    level: 'SHOULD',
    area: 'rate-limit',
    title: 'A 429 says when to retry (Retry-After: delay seconds or an HTTP date)',
    source: 'RFC 6585 §4; RFC 9110 §10.2.3',
  },
  'RATE-LIMIT-SUCCESS': {
    level: 'MUST',
    area: 'rate-limit',
    title: 'Successful logins are not counted against a client: logging in correctly is never limited',
    source: `${ZENML_RATE_LIMIT}; zenml tests/integration/functional/zen_server/test_zen_server.py`,
  },
  'RATE-LIMIT-NO-SPOOF': {
    level: 'MUST',
    area: 'rate-limit',
    title:
      'A limited client cannot escape the limit with forwarding headers of its own (X-Forwarded-For, X-Real-IP, Forwarded, …)',
    source: 'OWASP API4:2023; zenml tests/unit/zen_server/test_rate_limit.py',
  },
  'RATE-LIMIT-PER-CLIENT': {
    level: 'MUST',
    area: 'rate-limit',
    title: "One client's lockout does not lock out another client",
    source: 'OWASP Authentication Cheat Sheet (account lockout as denial of service); OWASP API4:2023',
  },
} as const satisfies Record<string, Requirement>;
