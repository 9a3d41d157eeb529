export interface ThresholdSpec {
  value: number;
  source: 'ceiling' | 'round' | 'given';
}

/**
 * Thresholds worth a "when could it reach …" answer: the quoted ceiling (if any) and the first three
 * round numbers of the 1–2–5 sequence (100, 200, 500, 1,000, 2,000, 5,000, …, 1 million, 2 million, …)
 * strictly above the last reported value. Sorted, without duplicates.
 * Source: docs/statistics.md ("the ceiling value and round thresholds"); the 1–2–5 series of preferred numbers.
 *
 * @example defaultThresholds(370_000, 1_500_000)
 * // [{ value: 500000, source: 'round' }, { value: 1000000, source: 'round' }, { value: 1500000, source: 'ceiling' }, { value: 2000000, source: 'round' }]
 */
export function defaultThresholds(lastValue: number, ceiling: number | null): ThresholdSpec[] {
  const out: ThresholdSpec[] = [];
  const last = Number.isFinite(lastValue) ? lastValue : 0;
  for (let mag = 100; out.length < 3; mag *= 10) {
    for (const m of [1, 2, 5]) {
      const v = m * mag;
      if (v > last && out.length < 3) out.push({ value: v, source: 'round' });
    }
  }
  if (ceiling !== null && Number.isFinite(ceiling)) {
    const same = out.find((o) => o.value === ceiling);
    if (same) same.source = 'ceiling';
    else out.push({ value: ceiling, source: 'ceiling' });
  }
  return out.sort((a, b) => a.value - b.value);
}
