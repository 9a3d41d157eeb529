import type { I18n } from './i18n';

/** A reason or note from the statistics (`{ code, ...params }`). */
export interface Reason {
  code: string;
  [param: string]: string | number | null;
}

/** A statistics reason code in words, through the catalogue (`reason.<code>`); numbers are formatted for the page. */
/** Numbers are formatted for the page (people rounded for ceilings and values), ISO dates in words. */
export function reasonText(r: Reason | null | undefined, i18n: I18n): string {
  if (!r) return '';
  const params: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(r)) {
    if (k === 'code' || v == null) continue;
    params[k] = typeof v === 'number' ? (k === 'ceiling' || k === 'value' ? i18n.people(v) : i18n.number(v)) : /^\d{4}-\d{2}-\d{2}$/.test(v) ? i18n.dateWords(v) : v;
  }
  return i18n.t(`reason.${r.code}`, params);
}


/** The same in English for the API: `{ ...reason, message }` beside the code other tools read. */
export function withMessage<T extends Reason | null>(r: T, i18n: I18n): T extends null ? null : Reason & { message: string } {
  return (r ? { ...r, message: reasonText(r, i18n) } : null) as never;
}
