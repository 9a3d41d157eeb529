/**
 * Writing CSV: the public surface the export routes and the CLI use.
 *
 * Why a separate entry point: callers import one module for downloads and never reach into the pieces
 * (cell rules, column model, export definitions, README text), which stay small and separately tested.
 */
export { neutraliseCell, formatCell, formatNumber, formatDate, type CellValue } from './cells';
export { csvStream, csvChunks, type Column, type CsvStreamOptions } from './columns';
export { csvField, csvRows, csvTextRow } from './record';
export {
  figureColumns,
  seriesColumns,
  projectionColumns,
  summaryColumns,
  readableSummaryColumns,
  categoryTag,
  CATEGORY_TAGS,
  EXPORTS,
  type ExportName,
  type TagOptions,
  type FigureExportRow,
  type SeriesExportRow,
  type ProjectionExportRow,
  type SummaryExportRow,
  type ReadableText,
} from './exports';
export { definitionsText } from './definitions';
