import { z } from 'zod';
import { requiredText } from '../validation';
import type { AreaTopology } from './choropleth';
import { coded } from '../i18n/field-errors';

/** One uploaded boundary file as stored (without its geometry). */
export interface BoundarySummary {
  id: number;
  adminLevel: number;
  projected: boolean;
  source: string;
  licence: string;
  pcodeField: string;
  nameField: string | null;
  filename: string;
  features: number;
  vertices: number;
  /** p-code in the file → location code it matched. */
  matched: Record<string, string>;
  createdBy: string;
  createdAt: string;
  retiredAt: string | null;
  retiredBy: string | null;
  retiredReason: 'replaced' | 'deleted' | null;
}
export interface Boundary extends BoundarySummary {
  topology: AreaTopology;
}
export interface BoundaryHistoryEntry {
  boundaryId: number;
  action: string;
  actor: string;
  at: string;
  detail: unknown;
}

export const ADMIN_LEVELS = [1, 2] as const;
const level = z.coerce
  .number({ error: coded('one_of', { values: '1, 2' }) })
  .int(coded('one_of', { values: '1, 2' }))
  .refine((n) => n === 1 || n === 2, coded('one_of', { values: '1, 2' }));
const field = z
  .string()
  .trim()
  .min(1, coded('required'))
  .max(100, coded('too_long', { max: 100 }));
const flag = z.enum(['true', 'false', '1', '0'], { error: coded('one_of', { values: 'true, false' }) }).transform((v) => v === 'true' || v === '1');

/**
 * Options of a boundary upload (API query string or form fields). `pcodeField` and `nameField` name the
 * properties holding each shape's p-code and name; without them OCHA COD-AB names (ADM1_PCODE, ADM1_EN…) are used.
 */
export const boundaryOptionsSchema = z.object({
  level: level.default(1),
  source: requiredText(300),
  licence: requiredText(200),
  pcodeField: field.optional(),
  nameField: field.optional(),
  commit: flag.optional(),
  filename: z
    .string()
    .trim()
    .max(200, coded('too_long', { max: 200 }))
    .optional(),
});
export type BoundaryOptions = z.output<typeof boundaryOptionsSchema>;

/** What a check of a boundary file found (the preview; a commit answers the same with `boundary`). */
export interface BoundaryReport {
  level: number;
  filename: string;
  features: number;
  verticesBefore: number;
  vertices: number;
  projected: boolean;
  /** Property names with how many shapes fill each and an example value: for the mapping step. */
  fields: { name: string; filled: number; example: string }[];
  pcodeField: string | null;
  nameField: string | null;
  matched: { pcode: string; location: string; name: string }[];
  /** Shapes whose p-code is no location of the situation's country at this level. */
  unknownInFile: { pcode: string; name: string }[];
  /** Shapes without a p-code in the chosen field. */
  withoutPcode: number;
  /** Locations at this level with figures but no shape in the file. */
  withoutShape: { code: string; name: string; pcode: string | null }[];
  /** Problems that stop the upload (none: it can be stored). */
  problems: { path: string; message: string }[];
  committed: boolean;
  boundary?: BoundarySummary;
}
