/** ZenML release numbers ("0.96.2"), compared numerically part by part; a suffix (".dev1") is ignored. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) =>
    v
      .split(/[.+-]/)
      .map((p) => Number.parseInt(p, 10))
      .filter((n) => Number.isFinite(n));
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/**
 * Whether `version` is in a range written as in core/known-deviations.json: "*", an exact release,
 * a prefix ("0.98.*"), or bounds (">=0.83.1", ">=0.80.2 <=0.98.0", "<0.96.0"), all of them required.
 */
export function inRange(version: string, range: string): boolean {
  if (range === '*' || range === version) return true;
  if (range.endsWith('.*') && !/[<>=]/.test(range)) return version.startsWith(range.slice(0, -1));
  const bounds = range.split(/\s+/).map((b) => /^(>=|<=|>|<|=)(\S+)$/.exec(b));
  if (bounds.some((b) => !b)) return false;
  return bounds.every((b) => {
    const c = compareVersions(version, b![2]);
    return { '>=': c >= 0, '<=': c <= 0, '>': c > 0, '<': c < 0, '=': c === 0 }[b![1] as '>=' | '<=' | '>' | '<' | '='];
  });
}
