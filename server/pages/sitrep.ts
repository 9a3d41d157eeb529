import type { I18n } from '../i18n/i18n';
import { reasonText } from '../i18n/reason';
import { changeBetweenReports, type AnalyseResult } from '../statistics';
import type { Situation } from '../situations/situation';
import type { Location } from '../locations/locations.repository';
import type { Category } from '../figures/figure';
import { isFlow } from '../figures/figure';

/**
 * What a coordinator copies into a situation report, in plain words and in this order: the latest figure with its
 * qualifier, source and date; the change between two real reports about a week apart (saying which ones); the
 * projection for the horizon with its 80% range and how often such a range held on this series; the agencies'
 * own scenarios, as scenarios. Every sentence comes from the message catalogue; numbers use public rounding.
 */
export interface SitrepBox {
  /** "More than 370,000 people newly displaced since 27 November 2024" */
  latest: string | null;
  /** "OCHA, 6 December 2024" */
  latestSource: string | null;
  /** "Up about 356,000 between 28 November and 6 December 2024 (8 days, OCHA)." */
  change: string | null;
  projection: string;
  /** Where the range passes a quoted ceiling, in words. */
  ceilingNotes: string[];
  /** "WFP warns it could reach 1,500,000." */
  scenarios: string[];
  /** Organisations behind the numbers of this box, for a source line. */
  organisations: string[];
  /** When there is no approved figure: a sentence instead of the rest. */
  noData: string | null;
}

interface Scope {
  situation: Pick<Situation, 'onsetDate' | 'title'>;
  location: Pick<Location, 'name'>;
  category: Category;
  analysis: AnalyseResult;
}

const unique = (xs: string[]) => [...new Set(xs)];

/**
 * The projection sentence of the published range, with its track record at the same horizon (or why there is none;
 * `short`: only that it is untested, for the sitrep box, where the reason would push the rest below the fold).
 */
export function projectionSentence(a: AnalyseResult, i18n: I18n, short = false): string {
  const range = a.projections.range;
  const end = range.points?.at(-1);
  if (!end) return i18n.t('projection.none', { reason: reasonText(range.reason, i18n) });
  const tr = range.trackRecord;
  const record =
    tr.n > 0
      ? i18n.t('projection.heldRecord', { held: tr.held, n: tr.n })
      : short
        ? i18n.t('projection.noRecordShort')
        : i18n.t('projection.noRecord', { reason: reasonText(tr.reason, i18n) });
  return i18n.t('projection.sentence', { low: i18n.people(end.low), high: i18n.people(end.high), date: i18n.dateWords(end.date), record });
}

export function sitrepBox(x: Scope, i18n: I18n): SitrepBox {
  const a = x.analysis;
  const points = a.series.points;
  const last = points.at(-1);
  if (!last) {
    return {
      latest: null,
      latestSource: null,
      change: null,
      projection: '',
      ceilingNotes: [],
      scenarios: [],
      organisations: [],
      noData: i18n.t('sitrep.noData', { category: i18n.label('category', x.category).toLowerCase(), place: x.location.name }),
    };
  }
  const value = last.derived ? i18n.people(last.value) : i18n.t(`chart.quantified.${last.quantifier}`, { value: i18n.people(last.value) });
  const since = isFlow(x.category) ? i18n.dateWords(x.situation.onsetDate) : null;
  const latest = i18n.t(`sitrep.latest.${x.category}`, { value, since, place: x.location.name });
  const lastOrgs = unique(last.sources.filter((s) => s.role === 'recommended').map((s) => s.organisation));
  const orgs = lastOrgs.length ? lastOrgs : unique(last.sources.map((s) => s.organisation));
  const latestSource = i18n.t('sitrep.source', { organisations: orgs.join(i18n.t('list.separator')) || i18n.t('sitrep.derived'), date: i18n.dateWords(last.date) });

  // The change between two real reports about a week apart (changeBetweenReports, also the summary CSV's
  // changeBetweenReports column): the sentence names both dates and the days between, never an interpolated day.
  let change: string | null = null;
  let refOrgs: string[] = [];
  const between = changeBetweenReports(points);
  if (between) {
    const { from: ref, change: delta, days } = between;
    refOrgs = unique(ref.sources.map((s) => s.organisation));
    const sources = unique([...orgs, ...refOrgs]).join(i18n.t('list.separator'));
    const params = { value: i18n.people(Math.abs(delta)), from: i18n.dateWords(ref.date), to: i18n.dateWords(last.date), count: days, sources };
    change = i18n.t(delta > 0 ? 'sitrep.changeUp' : delta < 0 ? 'sitrep.changeDown' : 'sitrep.changeNone', params);
  }

  const scenarios = a.projections.scenarios
    .filter((s) => s.value !== undefined && s.organisation)
    .map(
      (s) =>
        i18n.t(`sitrep.scenario.${s.kind}`, { organisation: s.organisation!, value: i18n.people(s.value!) }) +
        (s.horizonDate ? ` ${i18n.t('sitrep.scenarioBy', { date: i18n.dateWords(s.horizonDate) })}` : ''),
    );

  return {
    latest,
    latestSource,
    change,
    projection: projectionSentence(a, i18n, true),
    ceilingNotes: a.projections.range.notes.map((n) => reasonText(n, i18n)),
    scenarios,
    organisations: unique([...orgs, ...refOrgs, ...a.projections.scenarios.flatMap((s) => (s.value !== undefined && s.organisation ? [s.organisation] : []))]),
    noData: null,
  };
}

/** Three to five sentences for the key-messages part of a situation report, each number with its source. */
export function keyMessages(x: Scope, i18n: I18n): string[] {
  const box = sitrepBox(x, i18n);
  if (box.noData) return [box.noData];
  const last = x.analysis.series.points.at(-1)!;
  const out = [i18n.t('sitrep.message.latest', { date: i18n.dateWords(last.date), latest: box.latest!, source: box.latestSource! })];
  if (box.change) out.push(box.change);
  out.push(projectionSentence(x.analysis, i18n));
  out.push(...box.ceilingNotes.slice(0, 1));
  out.push(...box.scenarios.slice(0, 1).map((s) => i18n.t('sitrep.message.scenario', { scenario: s })));
  return out.slice(0, 5);
}
