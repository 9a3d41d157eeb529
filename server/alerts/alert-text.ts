import type { I18n } from '../i18n/i18n';
import type { Alert } from './alert';

/**
 * An alert's message in a reader's language, from what the alert keeps (kind, value, date, detail): the stored
 * message is written once, in the instance's language, when the alert fires (alerts.service.ts builds it with the
 * same catalogue keys and parameters). Null when the detail lacks a value, so the caller keeps the stored text.
 */
export function alertText(a: Pick<Alert, 'kind' | 'category' | 'value' | 'observedOn' | 'detail'>, place: string, i18n: I18n): string | null {
  const d = a.detail;
  const num = (k: string) => (typeof d[k] === 'number' ? (d[k] as number) : null);
  const category = a.category ? i18n.label('category', a.category) : i18n.t('alerts.anyCategory');
  const base = { location: place, category, value: i18n.number(a.value), date: i18n.dateWords(a.observedOn) };
  const pct = (k: string) => (num(k) == null ? '–' : i18n.number(num(k), 1));
  switch (a.kind) {
    case 'threshold':
      return num('threshold') == null ? null : i18n.t('alerts.message.threshold', { ...base, threshold: i18n.number(num('threshold')) });
    case 'change_7d':
      return num('change') == null ? null : i18n.t('alerts.message.change_7d', { ...base, change: i18n.number(num('change')), percent: pct('percent') });
    case 'yearly_high':
      return num('lowest') == null ? null : i18n.t('alerts.message.yearly_high', { ...base, percent: pct('percent'), lowest: i18n.number(num('lowest')) });
    case 'projection': {
      const earliest = typeof d.earliest === 'string' ? d.earliest : null;
      const latest = typeof d.latest === 'string' ? d.latest : null;
      if (num('threshold') == null || !earliest) return null;
      const p = { location: place, category, threshold: i18n.number(num('threshold')), from: i18n.dateWords(earliest) };
      return latest ? i18n.t('alerts.message.projection', { ...p, to: i18n.dateWords(latest) }) : i18n.t('alerts.message.projectionOpen', p);
    }
    case 'stale': {
      const last = typeof d.lastReport === 'string' ? d.lastReport : a.observedOn;
      return num('days') == null || !last ? null : i18n.t('alerts.message.stale', { location: place, category, days: num('days'), date: i18n.dateWords(last) });
    }
    case 'conflict':
      return num('low') == null || num('high') == null
        ? null
        : i18n.t('alerts.message.conflict', { ...base, low: i18n.number(num('low')), high: i18n.number(num('high')), percent: num('percent') });
    default:
      return null;
  }
}
