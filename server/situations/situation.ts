import { z } from 'zod';
import { isoDate, iso3, optionalText, requiredText, slug } from '../validation';

export interface Situation {
  id: number;
  slug: string;
  title: string;
  country: string;
  onsetDate: string;
  description: string | null;
  createdAt: string;
  updatedAt: string;
}

export const situationCreateSchema = z
  .strictObject({
    slug: slug(),
    title: requiredText(200),
    country: iso3(),
    countryName: optionalText(120).describe('Name for the country location when the country is not yet known'),
    onsetDate: isoDate({ notFuture: true }),
    description: optionalText(5000, { multiline: true }),
  })
  .meta({ id: 'SituationCreate' });
export type SituationCreate = z.output<typeof situationCreateSchema>;
