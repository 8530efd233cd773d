/**
 * The last line of defence for secrets in reports. The suite redacts what it writes itself (exchanges,
 * assertion messages, findings), but Playwright also writes text of its own: the step of every API
 * call is titled with its URL, query string included (a test that sends credentials in the query puts
 * them there), and an expect() failure prints the received value. This reporter must come first in the
 * reporter list: reporters receive the same objects one after the other, so what it redacts in place
 * is what the HTML, JUnit, JSON, blob and list reporters see. Attachment files the workers wrote
 * (test-results/…, e.g. Playwright's error-context.md) are rewritten before the HTML reporter copies
 * them.
 *
 * It knows the secrets of the runner process (the admin password, ZENML_API_KEY, the JWT secret, all
 * registered by the global setup) and every pattern of core/redaction.ts (JWTs, ZENKEY_ keys,
 * credential fields and headers), which covers the tokens and keys the workers received.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Reporter, TestCase, TestError, TestResult, TestStep } from '@playwright/test/reporter';
import { redact } from '../core/redaction';

const TEXT = /^(text\/|application\/(json|xml|x-www-form-urlencoded)|[^;]*\+json)/;

function redactError(error: TestError | undefined): void {
  if (!error) return;
  if (error.message) error.message = redact(error.message);
  if (error.stack) error.stack = redact(error.stack);
  if (error.value) error.value = redact(error.value);
  if (error.snippet) error.snippet = redact(error.snippet);
  redactError(error.cause);
}

function redactStep(step: TestStep): void {
  step.title = redact(step.title);
  if (step.subtitle) step.subtitle = redact(step.subtitle);
  redactError(step.error);
}

export default class RedactionReporter implements Reporter {
  printsToStdio(): boolean {
    return false;
  }

  onStepBegin(_test: TestCase, _result: TestResult, step: TestStep): void {
    redactStep(step);
  }

  onStepEnd(_test: TestCase, _result: TestResult, step: TestStep): void {
    redactStep(step);
  }

  onError(error: TestError): void {
    redactError(error);
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    result.errors.forEach(redactError);
    redactError(result.error);
    const walk = (steps: TestStep[]) => steps.forEach((s) => (redactStep(s), walk(s.steps)));
    walk(result.steps);
    for (const a of [...test.annotations, ...result.annotations]) if (a.description) a.description = redact(a.description);
    for (const out of [result.stdout, result.stderr])
      out.forEach(
        (chunk, i) => (out[i] = typeof chunk === 'string' ? redact(chunk) : Buffer.from(redact(chunk.toString('utf8')))),
      );
    for (const a of result.attachments) {
      if (!TEXT.test(a.contentType)) continue;
      if (a.body) a.body = Buffer.from(redact(a.body.toString('utf8')));
      if (a.path) {
        try {
          const text = readFileSync(a.path, 'utf8');
          const clean = redact(text);
          if (clean !== text) writeFileSync(a.path, clean);
        } catch {
          /* gone or unreadable: nothing to leak */
        }
      }
    }
  }
}
