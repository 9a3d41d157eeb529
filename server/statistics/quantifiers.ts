/**
 * What a quantifier says about a value: `more_than` makes it a lower bound, `less_than` an upper
 * bound. `combineQuantifiers` gives the quantifier of a sum (a total built from several figures):
 * all exact → exact; lower bounds (and exact/approximate parts) → more_than; upper bounds likewise
 * → less_than; both kinds of bound, or any approximate part → approximately.
 * Source: docs/data-model.md (figure.quantifier); interval arithmetic for sums of bounds.
 *
 * @example describeBound('more_than') // { bound: 'lower', boundNote: "lower bound: the source says 'more than' …" }
 * @example combineQuantifiers(['more_than', 'exact']) // 'more_than'
 */
import type { Quantifier } from '../figures/figure';
import type { Bound } from './types';

export function describeBound(q: Quantifier): { bound: Bound; boundNote: string | null } {
  switch (q) {
    case 'more_than':
      return { bound: 'lower', boundNote: "lower bound: the source says 'more than' (at least) this number" };
    case 'less_than':
      return { bound: 'upper', boundNote: "upper bound: the source says 'less than' (at most) this number" };
    case 'approximately':
      return { bound: 'approximate', boundNote: null };
    default:
      return { bound: 'exact', boundNote: null };
  }
}

export function combineQuantifiers(qs: readonly Quantifier[]): Quantifier {
  const more = qs.includes('more_than');
  const less = qs.includes('less_than');
  if (more && less) return 'approximately';
  if (more) return 'more_than';
  if (less) return 'less_than';
  if (qs.includes('approximately')) return 'approximately';
  return 'exact';
}
