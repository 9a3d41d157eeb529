import { stringify } from 'csv-stringify/sync';
import { runCli } from './common';
import { AnalysisService } from '../analysis/analysis.service';
import { analysisQuerySchema } from '../analysis/analysis.routes';
import { loadConfig } from '../config';
import { parseOrThrow } from '../validation';
import { HttpError } from '../errors';
import { createI18n } from '../i18n/i18n';
import { reasonText } from '../i18n/reason';

/**
 * npm run backtest -- --situation <slug> [--location CODE] [--category new_displacement] [--horizon 30] [--csv]
 * The rolling-origin table of the published projection for one series (each past report: the projection it
 * gave for `horizon` days later, its 80% range, what was reported then, held or not), then the summary against
 * the two baselines and every alternative method. The same numbers as GET /api/v1/situations/:slug/backtest.
 */
void runCli(
  { situation: { type: 'string' }, location: { type: 'string' }, category: { type: 'string' }, horizon: { type: 'string' }, csv: { type: 'boolean' } },
  async ({ values, storage }) => {
    if (!values.situation) throw new HttpError(400, 'validation_failed', '--situation <slug> is required');
    const q = parseOrThrow(analysisQuerySchema, { location: values.location, category: values.category, horizon: values.horizon });
    const config = loadConfig();
    const service = new AnalysisService(storage, { stalenessDays: config.STALENESS_DAYS, horizonDays: config.PROJECTION_HORIZON_DAYS, threads: false });
    const x = await service.analyse(String(values.situation), q);
    const p = x.analysis.projections;
    const h = x.analysis.input.horizonDays;
    const en = createI18n('en');
    const num = (v: number | null, d = 0) => (v == null ? '' : en.number(v, d));
    // A share with its sign, or a dash when nothing was scored (never a bare "%").
    const pct = (v: number | null, d: number) => (v == null ? '–' : `${en.number(v, d)}%`);
    if (values.csv) {
      const rows = p.backtest.past.map((o) => [o.date, o.target, Math.round(o.central), Math.round(o.low), Math.round(o.high), Math.round(o.actual), o.held]);
      process.stdout.write(stringify([['date', 'target', 'central', 'low', 'high', 'actual', 'held'], ...rows]));
      return;
    }
    const out: string[] = [];
    out.push(`${x.situation.slug} · ${x.location} · ${x.category} · horizon ${h} days · ${x.analysis.series.points.length} reports`);
    const head = ['date', 'target', 'central', 'low', 'high', 'reported', 'held'];
    const table = p.backtest.past.map((o) => [o.date, o.target, num(o.central), num(o.low), num(o.high), num(o.actual), o.held ? 'yes' : 'no']);
    const widths = head.map((_, i) => Math.max(head[i].length, ...table.map((r) => r[i].length)));
    const line = (r: string[]) =>
      r
        .map((c, i) => (i < 2 || i === 6 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
        .join('  ')
        .trimEnd();
    out.push('', line(head), ...table.map(line), '');
    const tr = p.range.trackRecord;
    if (tr.n === 0) out.push(`No track record: ${reasonText(tr.reason, en)}.`);
    const stat = (name: string, s: { n: number; mape: number | null; mase: number | null; held: number; coverage: number | null }) =>
      `${name.padEnd(38)} n ${String(s.n).padStart(4)}  MAPE ${pct(s.mape, 2).padStart(8)}  MASE ${(s.mase == null ? '–' : num(s.mase, 3)).padStart(6)}  held ${s.held}/${s.n} (${pct(s.coverage == null ? null : s.coverage * 100, 0)})`;
    out.push(stat('published (combined)', tr), stat('baseline: last rate (naive)', tr.baselines.naive), stat('baseline: average of last 8 (drift8)', tr.baselines.drift8));
    for (const m of Object.values(p.backtest.methods ?? {})) {
      out.push(
        m.n
          ? stat(`method: ${m.method}`, { n: m.n, mape: m.mape, mase: m.mase, held: Math.round((m.coverage80 ?? 0) * m.n), coverage: m.coverage80 })
          : `${`method: ${m.method}`.padEnd(38)} ${reasonText(m.reason, en)}`,
      );
    }
    process.stdout.write(out.join('\n') + '\n');
  },
);
