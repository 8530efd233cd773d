/** Every fault case of test/faults/, for the benchmark (each *.test.ts runs its own file's). */
import { faults as apiKeys } from './api-keys.faults';
import { faults as bearer } from './bearer.faults';
import { faults as device } from './device.faults';
import { faults as expiry } from './expiry.faults';
import { faults as fuzz } from './fuzz.faults';
import { faults as grants } from './grants.faults';
import { faults as login } from './login.faults';
import { faults as openapi } from './openapi.faults';
import { faults as rateLimit } from './rate-limit.faults';
import { faults as revocation } from './revocation.faults';
import { faults as sessions } from './sessions.faults';
import { faults as authorization } from './authorization.faults';
import { faults as surface } from './surface.faults';
import { faults as workload } from './workload.faults';
import { faults as lifecycle } from './lifecycle.faults';
import type { FaultCase } from '../harness/fault-cases';

export const ALL_FAULTS: readonly FaultCase[] = [
  ...apiKeys,
  ...bearer,
  ...device,
  ...expiry,
  ...fuzz,
  ...login,
  ...openapi,
  ...rateLimit,
  ...sessions,
  ...grants,
  ...authorization,
  ...surface,
  ...workload,
  ...revocation,
  ...lifecycle,
];
