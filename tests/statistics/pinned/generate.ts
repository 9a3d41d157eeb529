/** Writes published-projection.pinned.json from the current code (see cases.ts for when that is allowed). */
import fs from 'node:fs';
import { publishedProjection } from '../../../server/statistics';
import { PINNED_CASES, PINNED_FILE } from './cases';

const out = Object.fromEntries(PINNED_CASES.map((c) => [c.name, publishedProjection(c.points(), { horizonDays: c.horizonDays, cumulative: c.cumulative })]));
fs.writeFileSync(PINNED_FILE, JSON.stringify(out, null, 1) + '\n');
process.stdout.write(`${PINNED_CASES.length} cases written to ${PINNED_FILE}\n`);
