/**
 * A whole number with thousands separators for descriptions ("1,500,000"), without `Intl`
 * (constructing a number formatter per call costs about a millisecond).
 * Source: plain string formatting.
 *
 * @example formatPeople(1500000) // '1,500,000'
 */
export function formatPeople(n: number): string {
  const r = Math.round(n);
  const s = String(Math.abs(r)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return r < 0 ? `-${s}` : s;
}
