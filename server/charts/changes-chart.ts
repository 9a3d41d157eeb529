import type { ChartConfiguration } from 'chart.js';
import type { ChartPayload } from './types';
import { chartContext, dateLabels, type Credit, type Item, type Target } from './common';

/** Bars: the change per day between consecutive reports, dated by the later report. */
export function changesChart(payload: ChartPayload, target: Target, credit?: Credit): ChartConfiguration {
  const { t, f, base, titles, dir, plugins } = chartContext(payload, target, 'changes', credit);
  const rows = payload.changes;
  return {
    type: 'bar',
    data: {
      labels: dateLabels(
        rows.map((c) => c.to),
        f,
      ),
      datasets: [{ label: t('chart.changes.perDay'), data: rows.map((c) => c.perDay), backgroundColor: '#595959', maxBarThickness: 56, dt: { kind: 'bar' } } as never],
    },
    options: {
      ...base,
      scales: {
        x: { title: { display: true, text: t('chart.changes.axis') } },
        y: { beginAtZero: true, ticks: { callback: (v) => f.compact(Number(v)) }, title: { display: true, text: t('chart.axis.perDay') } },
      },
      plugins: {
        ...titles(t('chart.changes.name')),
        legend: { display: false },
        tooltip: {
          ...dir,
          callbacks: {
            title: (items: Item[]) => {
              const c = rows[items[0].dataIndex];
              return t('chart.changes.period', { from: f.dateWords(c.from), to: f.dateWords(c.to), days: c.days });
            },
            label: (item: Item) => {
              const c = rows[item.dataIndex];
              return [t('chart.changes.perDayValue', { value: f.number(c.perDay) }), t('chart.changes.total', { value: f.number(c.change) })];
            },
          },
        },
      },
    },
    plugins,
  } as ChartConfiguration;
}
