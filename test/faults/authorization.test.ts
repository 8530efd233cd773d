/**
 * Proofs for the authorization area (faults in authorization.faults.ts). AUTHZ-FORBIDDEN-STATUS is a
 * finding on ZenML 0.98.0 already (email opt-in answers 401), so its fault must also show up as its
 * own finding: the rotation it turns into a 401.
 */
import { expect } from '@playwright/test';
import { FINDING_ANNOTATION } from '../../core/verdict';
import { benignTests, faultTests, type FaultVerifier } from '../harness/fault-cases';
import { benign, faults } from './authorization.faults';

const rotationFinding: FaultVerifier = async (run) => {
  const findings = run.tests.flatMap((t) =>
    t.annotations.filter((a) => a.type === FINDING_ANNOTATION).map((a) => a.description ?? ''),
  );
  expect(
    findings.filter((f) => /rotating (another service account's|its own) key.*401/.test(f)),
    findings.join('\n'),
  ).not.toEqual([]);
};

faultTests(faults.map((c) => (c.breaks === 'AUTHZ-FORBIDDEN-STATUS' ? { ...c, verify: rotationFinding } : c)));
benignTests(benign);
