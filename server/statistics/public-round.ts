/**
 * Rounds a number of people for display, as IDMC's Helix does for published figures (rule as stated
 * in docs/statistics.md): exact up to 100; nearest 10 up to 1,000; nearest 100 up to 10,000; nearest 1,000 above.
 * Boundaries belong to the lower band (100 stays exact, 1,000 rounds to tens). Negative numbers
 * (e.g. a change per day) are rounded by their size and keep their sign. Only for display: the
 * statistics always work on unrounded values.
 * Source: docs/statistics.md (attributed to Helix' display rule; not checked against Helix' code).
 *
 * @example publicRound(87) // 87
 * @example publicRound(4_567) // 4_600
 * @example publicRound(278_640) // 279_000
 */
export function publicRound(n: number): number {
  if (!Number.isFinite(n)) throw new TypeError(`publicRound requires a finite number, got ${n}`);
  const a = Math.abs(n);
  const step = a <= 100 ? 1 : a <= 1_000 ? 10 : a <= 10_000 ? 100 : 1_000;
  const r = Math.round(a / step) * step;
  return n < 0 && r !== 0 ? -r : r;
}
