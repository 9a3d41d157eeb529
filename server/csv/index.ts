/**
 * CSV/HXL module: pure reading and writing, no database, no Express.
 *
 * Why one index: the import/export services and the CLI depend on this surface only.
 */
export * from './write';
export { readFigures, detectLayout, LAYOUTS } from './read';
export type { FigureCandidate, LocationCandidate, RowError, ReadItem, ReadSummary, ReadEvent, ReadOptions, ReadDefaults, LayoutName } from './candidate';
export { NotUtf8Error } from './utf8';
export { DTM_SOURCE_URL, DTM_ORGANISATION } from './layouts/dtm';
export { IDMC_SOURCE_URL, IDMC_ORGANISATION } from './layouts/idmc';
