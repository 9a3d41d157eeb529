import path from 'node:path';

/** Real published files copied into the repository (tests/fixtures/real/README.md says where each came from). */
export const REAL_DATA = path.resolve(__dirname, '..', 'fixtures', 'real');

/** A file under tests/fixtures/real, e.g. `realFile('iom-dtm', 'subset_SDN_armed_clashes_weekly_admin0.csv')`. */
export const realFile = (...parts: string[]): string => path.join(REAL_DATA, ...parts);
