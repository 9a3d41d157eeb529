import fc from 'fast-check';
import { figureCreateSchema } from '../../server/figures/figure.schema';

/** Hostile values for any field: wrong types, huge and negative numbers, unicode, control characters, long strings, injections. */
export const hostileValue = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.string(),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.integer(),
    fc.double(),
    fc.constantFrom(-1, 0, 1e21, -1e21, 2 ** 53, Number.MAX_VALUE, 1.5, -0.5, 1_000_000_001),
    fc.constantFrom(
      null,
      true,
      false,
      '',
      ' ',
      '\u0000',
      '\t=1+1',
      '=HYPERLINK("http://x")',
      '@SUM(A1)',
      "'; DROP TABLE figures; --",
      '<script>alert(1)</script>',
      '"><img src=x onerror=alert(1)>',
      '../../etc/passwd',
      '2024-02-30',
      '2999-01-01',
      '1e5',
      'NaN',
      'Infinity',
      '١٢٣',
      '𝟘',
      'ftp://x',
      'javascript:alert(1)',
      'x'.repeat(100_000),
    ),
    fc.array(fc.integer(), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 }),
  );

/** A valid object with some fields replaced by hostile values, some removed, and maybe an unknown field added. */
export const mutated = (valid: Record<string, unknown>, extraKeys: string[] = []) =>
  fc
    .record({
      replace: fc.dictionary(fc.constantFrom(...Object.keys(valid), ...extraKeys), hostileValue(), { minKeys: 1, maxKeys: 4 }),
      remove: fc.subarray(Object.keys(valid), { maxLength: Math.min(2, Object.keys(valid).length) }),
      extra: fc.option(fc.tuple(fc.string({ minLength: 1, maxLength: 10 }), hostileValue()), { nil: undefined }),
    })
    .map(({ replace, remove, extra }) => {
      const body: Record<string, unknown> = { ...valid, ...replace };
      for (const k of remove) delete body[k];
      if (extra && !(extra[0] in valid)) body[extra[0]] = extra[1];
      return body;
    });

export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 40);

/**
 * Throws unless a figure as the API returns it still passes the create schema: the fuzz tests' proof that
 * nothing invalid was stored. Audit fields are dropped, and the value field the unit does not use.
 */
export function assertStoredFigureValid(f: Record<string, unknown>): void {
  const input: Record<string, unknown> = { ...f };
  for (const k of ['id', 'situation', 'organisationReliability', 'createdBy', 'createdAt', 'updatedBy', 'updatedAt', 'changedBy', 'version', 'deletedAt']) delete input[k];
  if (input.unit === 'people') delete input.reportedValue;
  else delete input.value;
  if (input.externalId == null) delete input.externalId;
  const parsed = figureCreateSchema.safeParse(input);
  if (!parsed.success) throw new Error(`stored figure ${String(f.id)} is invalid: ${JSON.stringify(parsed.error.issues)}`);
}
