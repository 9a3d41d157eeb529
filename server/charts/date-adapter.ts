/**
 * The date-fns time adapter for Chart.js, used by both the browser bundle and the PNG renderer.
 * The packaged `chartjs-adapter-date-fns` is an ES module that patches the ES-module copy of Chart.js, so
 * in Node's CommonJS it fails (`reading '_adapters'`); this is the same adapter (formats and operations
 * copied from chartjs-adapter-date-fns 3.0.0, MIT) registered through `_adapters._date.override`, on
 * whichever copy of Chart.js the caller loaded. It parses only numbers, Dates and ISO dates (the charts
 * pass timestamps) and formats with Intl: every label the charts show comes from their own tick and tooltip
 * callbacks, so date-fns' `format`, its token tables and its English locale (about 20 KB of the browser
 * bundle) would be shipped only for these fallbacks.
 */
import { _adapters } from 'chart.js';
import {
  toDate,
  isValid,
  addYears,
  addQuarters,
  addMonths,
  addWeeks,
  addDays,
  addHours,
  addMinutes,
  addSeconds,
  addMilliseconds,
  differenceInYears,
  differenceInQuarters,
  differenceInMonths,
  differenceInWeeks,
  differenceInDays,
  differenceInHours,
  differenceInMinutes,
  differenceInSeconds,
  differenceInMilliseconds,
  startOfYear,
  startOfQuarter,
  startOfMonth,
  startOfWeek,
  startOfDay,
  startOfHour,
  startOfMinute,
  startOfSecond,
  endOfYear,
  endOfQuarter,
  endOfMonth,
  endOfWeek,
  endOfDay,
  endOfHour,
  endOfMinute,
  endOfSecond,
} from 'date-fns';

// Chart.js asks for a format per unit and hands it back to format(); here the "format" is a set of Intl options.
const FORMATS: Record<string, Intl.DateTimeFormatOptions> = {
  datetime: { dateStyle: 'medium', timeStyle: 'medium' },
  millisecond: { timeStyle: 'medium' },
  second: { timeStyle: 'medium' },
  minute: { timeStyle: 'short' },
  hour: { hour: 'numeric' },
  day: { month: 'short', day: 'numeric' },
  week: { dateStyle: 'medium' },
  month: { month: 'short', year: 'numeric' },
  quarter: { month: 'short', year: 'numeric' },
  year: { year: 'numeric' },
};
const formatters = new Map<Intl.DateTimeFormatOptions, Intl.DateTimeFormat>();
const formatTime = (time: number, options: Intl.DateTimeFormatOptions | string) => {
  const o = typeof options === 'string' ? (FORMATS[options] ?? FORMATS.datetime) : options;
  let f = formatters.get(o);
  if (!f) formatters.set(o, (f = new Intl.DateTimeFormat(undefined, o)));
  return f.format(time);
};
/** YYYY-MM-DD (optionally with a time) as local time, like date-fns parseISO; anything else is not a date. */
const parseIsoDate = (s: string) => {
  const m = /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d))?)?$/.exec(s);
  return m ? new Date(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0)) : new Date(NaN);
};

type Unit = 'millisecond' | 'second' | 'minute' | 'hour' | 'day' | 'week' | 'month' | 'quarter' | 'year' | 'isoWeek';
const ADD = {
  millisecond: addMilliseconds,
  second: addSeconds,
  minute: addMinutes,
  hour: addHours,
  day: addDays,
  week: addWeeks,
  month: addMonths,
  quarter: addQuarters,
  year: addYears,
};
const DIFF = {
  millisecond: differenceInMilliseconds,
  second: differenceInSeconds,
  minute: differenceInMinutes,
  hour: differenceInHours,
  day: differenceInDays,
  week: differenceInWeeks,
  month: differenceInMonths,
  quarter: differenceInQuarters,
  year: differenceInYears,
};
const START = { second: startOfSecond, minute: startOfMinute, hour: startOfHour, day: startOfDay, month: startOfMonth, quarter: startOfQuarter, year: startOfYear };
const END = { second: endOfSecond, minute: endOfMinute, hour: endOfHour, day: endOfDay, week: endOfWeek, month: endOfMonth, quarter: endOfQuarter, year: endOfYear };

let done = false;
export function registerDateAdapter(): void {
  if (done) return;
  done = true;
  _adapters._date.override({
    formats: () => FORMATS,
    parse(value: unknown) {
      if (value == null) return null;
      let d: Date;
      if (typeof value === 'number' || value instanceof Date) d = toDate(value);
      else if (typeof value === 'string') d = parseIsoDate(value);
      else return null;
      return isValid(d) ? d.getTime() : null;
    },
    format: (time: number, fmt: Intl.DateTimeFormatOptions | string) => formatTime(time, fmt),
    add: (time: number, amount: number, unit: Unit) => (unit in ADD ? ADD[unit as keyof typeof ADD](time, amount).getTime() : time),
    diff: (max: number, min: number, unit: Unit) => (unit in DIFF ? DIFF[unit as keyof typeof DIFF](max, min) : 0),
    startOf(time: number, unit: Unit, weekday?: number) {
      if (unit === 'isoWeek') return startOfWeek(time, { weekStartsOn: (Math.trunc(weekday ?? 1) % 7) as 0 }).getTime();
      if (unit === 'week') return startOfWeek(time).getTime();
      return unit in START ? START[unit as keyof typeof START](time).getTime() : time;
    },
    endOf: (time: number, unit: Unit) => (unit in END ? END[unit as keyof typeof END](time).getTime() : time),
  } as never);
}
