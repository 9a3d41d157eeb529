import { capWarnings, MAX_WARNINGS_PER_CODE } from '../../server/statistics/roll-up';

describe('capWarnings', () => {
  it('keeps at most 50 warnings of each code, newest dated first, and counts the rest', () => {
    const many = Array.from({ length: 120 }, (_, i) => ({ code: 'several_recommended', location: 'SDN', date: `2024-01-${String((i % 28) + 1).padStart(2, '0')}`, count: i }));
    const { kept, omitted } = capWarnings([{ code: 'roles_mixed', location: 'SDN' }, ...many]);
    expect(MAX_WARNINGS_PER_CODE).toBe(50);
    expect(kept).toHaveLength(51);
    expect(omitted).toBe(70);
    expect(kept[0]).toEqual({ code: 'roles_mixed', location: 'SDN' });
    const dates = kept.slice(1).map((w) => w.date as string);
    expect(dates[0]).toBe('2024-01-28');
    expect([...dates].sort().reverse()).toEqual(dates);
  });

  it('leaves a short list as it is', () => {
    const w = [
      { code: 'a', date: '2024-01-01' },
      { code: 'a', date: '2024-02-01' },
    ];
    expect(capWarnings(w)).toEqual({ kept: w, omitted: 0 });
  });
});
