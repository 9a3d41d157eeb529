import { CATEGORIES, SCENARIO_KINDS } from '../figures/figure';
import { enumOf, httpUrl, isoDate, locationCode, optionalText, people, requiredText } from '../validation';
import { z } from 'zod';

/** A scenario as a client sends it: a projection someone published, quoted with its source. */
export const scenarioCreateSchema = z
  .strictObject({
    location: locationCode().optional().describe('Defaults to the situation country'),
    category: enumOf(CATEGORIES).default('new_displacement'),
    organisation: requiredText(120),
    kind: enumOf(SCENARIO_KINDS),
    value: people(),
    horizonDate: isoDate().nullable().optional(),
    publishedOn: isoDate({ notFuture: true }),
    sourceUrl: httpUrl(),
    quote: requiredText(5000, { multiline: true }),
    notes: optionalText(5000, { multiline: true }),
  })
  .meta({ id: 'ScenarioCreate' });
export type ScenarioCreate = z.output<typeof scenarioCreateSchema>;
