import { z } from 'zod';
import { CATEGORIES, type Category } from '../figures/figure';
import { isoDate, iso3, optionalText, requiredText, slug, oneOf, versionField } from '../validation';
import { coded } from '../i18n/field-errors';

export interface Situation {
  id: number;
  slug: string;
  title: string;
  country: string;
  onsetDate: string;
  description: string | null;
  /** The category pages open on, as an editor set it; null: the category with the most recent approved figure. */
  headlineCategory: Category | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/**
 * The category a situation opens on: the one an editor set, else the category with the most recent approved
 * figure (ties: the order of CATEGORIES, flows first), else new displacement.
 */
export function headlineCategoryOf(s: Pick<Situation, 'headlineCategory'>, latest: { category: Category; date: string }[]): Category {
  if (s.headlineCategory) return s.headlineCategory;
  let best: { category: Category; date: string } | null = null;
  for (const l of latest) if (!best || l.date > best.date) best = l;
  return best?.category ?? 'new_displacement';
}

const headlineCategory = () =>
  z
    .preprocess(
      (v) => (v === '' ? null : v),
      z
        .enum(CATEGORIES, { error: oneOf(CATEGORIES) })
        .nullable()
        .optional(),
    )
    .describe('Category the dashboard and the situation page open on; empty: the category with the most recent approved figures');

export const situationCreateSchema = z
  .strictObject({
    // 'new' is the address of the new-situation page.
    slug: slug().refine((v) => v !== 'new', coded('slug_reserved')),
    title: requiredText(200),
    country: iso3(),
    countryName: optionalText(120).describe('Name for the country location when the country is not yet known'),
    onsetDate: isoDate({ notFuture: true }),
    description: optionalText(5000, { multiline: true }),
    headlineCategory: headlineCategory(),
  })
  .meta({ id: 'SituationCreate' });
export type SituationCreate = z.output<typeof situationCreateSchema>;

/**
 * What an edit may change. The slug (in every link and download already shared) and the country (the locations
 * of every figure) stay as created.
 */
export const situationUpdateSchema = z
  .strictObject({
    version: versionField(),
    title: requiredText(200).optional(),
    onsetDate: isoDate({ notFuture: true }).optional(),
    description: optionalText(5000),
    headlineCategory: headlineCategory(),
  })
  .meta({ id: 'SituationUpdate' });
export type SituationUpdate = z.output<typeof situationUpdateSchema>;
