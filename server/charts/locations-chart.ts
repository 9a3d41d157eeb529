import type { ChartConfiguration } from 'chart.js';
import type { ChartPayload } from './types';
import { ROLE_COLOURS } from './palette';
import { chartContext, type Credit, type Item, type Target } from './common';

/** Horizontal bars: the latest figure of each child location, one bar per location role. */
export function locationsChart(payload: ChartPayload, target: Target, credit?: Credit): ChartConfiguration {
  const { t, f, base, titles, dir, plugins } = chartContext(payload, target, 'locations', credit);
  const rows = payload.locations;
  const roles = (['origin', 'destination', 'unknown'] as const).filter((r) => rows.some((l) => l[r] != null));
  return {
    type: 'bar',
    data: {
      labels: rows.map((l) => l.name),
      datasets: roles.map((r) => ({
        label: t(`chart.role.${r}`),
        data: rows.map((l) => l[r]),
        backgroundColor: ROLE_COLOURS[r],
        borderColor: ROLE_COLOURS[r],
        maxBarThickness: 36,
        dt: { kind: 'bar' },
      })) as never,
    },
    options: {
      ...base,
      indexAxis: 'y',
      scales: {
        x: { beginAtZero: true, grace: '5%', ticks: { callback: (v) => f.compact(Number(v)) }, title: { display: true, text: t('chart.axis.people') } },
        y: { ticks: { autoSkip: false } },
      },
      plugins: {
        ...titles(t('chart.locations.name')),
        legend: { ...dir, position: 'top' },
        tooltip: { ...dir, callbacks: { label: (item: Item) => `${item.dataset.label}: ${f.number(item.parsed.x)}` } },
      },
    },
    plugins,
  } as ChartConfiguration;
}
