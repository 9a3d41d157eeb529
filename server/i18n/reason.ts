import type { I18n } from './i18n';
import type { ScenarioLine } from '../statistics/scenario-lines';

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
    params[k] =
      typeof v === 'number'
        ? k === 'figure' || k === 'used'
          ? String(v)
          : k === 'ceiling' || k === 'value'
            ? i18n.people(v)
            : i18n.number(v)
        : /^\d{4}-\d{2}-\d{2}$/.test(v)
          ? i18n.dateWords(v)
          : v;
  }
  return i18n.t(`reason.${r.code}`, params);
}

/** The same in English for the API: `{ ...reason, message }` beside the code other tools read. */
export function withMessage<T extends Reason | null>(r: T, i18n: I18n): T extends null ? null : Reason & { message: string } {
  return (r ? { ...r, message: reasonText(r, i18n) } : null) as never;
}

/** A scenario line's name in words: "WFP scenario: could reach 1.5 million", "If growth continues as in the last reports (doubling every 3.7 days)". */
export function scenarioLabel(s: ScenarioLine, i18n: I18n): string {
  const l = s.label;
  if (l.code === 'quoted') return i18n.t(`chart.series.scenario.${s.kind}`, { organisation: String(l.organisation), value: i18n.compactLong(Number(l.value)) });
  if (l.code === 'loglinear')
    return l.cappedAt != null
      ? i18n.t('scenarioLine.loglinearCapped', { doubling: i18n.number(Number(l.doublingDays), 1), ceiling: i18n.compactLong(Number(l.cappedAt)) })
      : i18n.t('scenarioLine.loglinear', { doubling: i18n.number(Number(l.doublingDays), 1), days: Number(l.days) });
  return i18n.t('scenarioLine.logistic', { ceiling: i18n.compactLong(Number(l.ceiling)) });
}
