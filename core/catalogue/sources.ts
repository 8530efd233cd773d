/**
 * What a requirement is, and the sources the catalogue cites more than once.
 *
 * MUST: what ZenML clients rely on, and security properties; a failure fails the run, on every
 * release. SHOULD: hardening from the RFCs and OWASP; a miss is a finding (CONFORMANCE_STRICT=1 makes
 * findings fail the run).
 */
export type Level = 'MUST' | 'SHOULD';

export interface Requirement {
  level: Level;
  title: string;
  source: string;
  /** Capability group: the spec file that checks it and the row group of the matrix. */
  area: string;
  /**
   * The ZenML release that introduced the feature. On an older server its tests skip, saying so.
   * Never on a security property (a forged credential refused, a revoked one stopping, one identity
   * unable to reach another's): those hold on every release, and an older one that breaks them fails.
   */
  since?: string;
}

export const ZENML_API = 'ZenML docs, OSS API reference';
export const ZENML_KEYS = 'ZenML docs, service accounts and API keys';
export const ZENML_TOKENS = 'ZenML docs, API tokens';
