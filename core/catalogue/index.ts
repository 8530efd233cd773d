/**
 * The requirement catalogue: the single list of what a ZenML-compatible server is checked for, one
 * file per area. Every test names one of these IDs; reports, JUnit properties and the conformance
 * matrix all use it. A new capability adds its file here.
 */
import { API_KEYS } from './api-keys';
import { BEARER } from './bearer';
import { DEVICE } from './device';
import { EXPIRY } from './expiry';
import { FUZZ } from './fuzz';
import { GRANTS } from './grants';
import { LOGIN } from './login';
import { OPENAPI } from './openapi';
import { RATE_LIMIT } from './rate-limit';
import { SESSION } from './session';
import { AUTHORIZATION } from './authorization';
import { SURFACE } from './surface';
import { WORKLOAD } from './workload';
import { REVOCATION } from './revocation';
import { LIFECYCLE } from './lifecycle';
import type { Requirement } from './sources';

export type { Level, Requirement } from './sources';
export { MINTED_KEEPS_SOURCE_SINCE } from './api-keys';

export const REQUIREMENTS = {
  ...OPENAPI,
  ...LOGIN,
  ...BEARER,
  ...EXPIRY,
  ...API_KEYS,
  ...FUZZ,
  ...RATE_LIMIT,
  ...SESSION,
  ...GRANTS,
  ...DEVICE,
  ...AUTHORIZATION,
  ...SURFACE,
  ...WORKLOAD,
  ...REVOCATION,
  ...LIFECYCLE,
} as const satisfies Record<string, Requirement>;

export type RequirementId = keyof typeof REQUIREMENTS;

export function requirement(id: RequirementId): Requirement & { id: RequirementId } {
  return { id, ...REQUIREMENTS[id] };
}

export function isRequirementId(id: string): id is RequirementId {
  return Object.hasOwn(REQUIREMENTS, id);
}
