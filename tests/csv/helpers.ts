/** Test helpers: the real data files, and reading a whole file into items and summary. */
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { REAL_DATA } from '../helpers/fixtures';
import { readFigures } from '../../server/csv/read';
import type { FigureCandidate, ReadItem, ReadOptions, ReadSummary } from '../../server/csv/candidate';
import type { FigureExportRow } from '../../server/csv/write';

/** Real published files copied into tests/fixtures/real (with their attribution). */
export const DATA = REAL_DATA;
export const dataFile = (rel: string) => path.join(DATA, rel);

export interface ReadResult {
  items: ReadItem[];
  summary: ReadSummary;
  figures: FigureCandidate[];
  errors: ReadItem['errors'];
}

export async function readAll(input: Readable | string | Buffer, options: ReadOptions = {}): Promise<ReadResult> {
  const readable = typeof input === 'string' || Buffer.isBuffer(input) ? Readable.from([Buffer.from(input)]) : input;
  const items: ReadItem[] = [];
  let summary: ReadSummary | undefined;
  for await (const e of readFigures(readable, options)) {
    if (e.type === 'summary') summary = e;
    else items.push(e);
  }
  if (!summary) throw new Error('no summary');
  return { items, summary, figures: items.flatMap((i) => (i.figure ? [i.figure] : [])), errors: items.flatMap((i) => i.errors) };
}

export const readFile = (rel: string, options: ReadOptions = {}) => readAll(createReadStream(dataFile(rel)), options);

/** A figures-export row (the WFP 280,000 figure of the Syria seed case), with overrides. */
export const sampleFigure = (over: Partial<FigureExportRow> = {}): FigureExportRow => ({
  id: 7,
  situation: 'syria-2024-offensive',
  location: 'SY02',
  locationName: 'Aleppo',
  locationRole: 'origin',
  category: 'new_displacement',
  periodStart: '2024-11-27',
  periodEnd: '2024-12-03',
  value: 280000,
  valueLow: null,
  valueHigh: null,
  quantifier: 'approximately',
  unit: 'people',
  reportedValue: 280000,
  householdSize: null,
  organisation: 'WFP',
  sourceUrl: 'https://www.wfp.org/news/syria',
  sourceTitle: 'WFP statement',
  publishedOn: '2024-12-05',
  quote: 'some 280,000 people have been displaced',
  role: 'recommended',
  status: 'approved',
  notes: null,
  createdBy: 'ana',
  createdAt: '2024-12-05T10:00:00.000Z',
  updatedBy: 'ana',
  updatedAt: '2024-12-05T10:00:00.000Z',
  version: 1,
  externalId: null,
  ...over,
});
