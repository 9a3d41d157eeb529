/**
 * The date-fns time adapter for Chart.js, used by both the browser bundle and the PNG renderer.
 * The packaged `chartjs-adapter-date-fns` is an ES module that patches the ES-module copy of Chart.js, so
 * in Node's CommonJS it fails (`reading '_adapters'`); this is the same adapter (formats and operations
 * copied from chartjs-adapter-date-fns 3.0.0, MIT) registered through `_adapters._date.override`, on
 * whichever copy of Chart.js the caller loaded. It parses only numbers, Dates and ISO strings (the charts
 * pass timestamps), which keeps date-fns' format-string parser out of the browser bundle.
 */
import { _adapters } from 'chart.js';
import {
  toDate, parseISO, isValid, format, addYears, addQuarters, addMonths, addWeeks, addDays, addHours, addMinutes, addSeconds, addMilliseconds,
  differenceInYears, differenceInQuarters, differenceInMonths, differenceInWeeks, differenceInDays, differenceInHours, differenceInMinutes,
  differenceInSeconds, differenceInMilliseconds, startOfYear, startOfQuarter, startOfMonth, startOfWeek, startOfDay, startOfHour, startOfMinute,
  startOfSecond, endOfYear, endOfQuarter, endOfMonth, endOfWeek, endOfDay, endOfHour, endOfMinute, endOfSecond,
} from 'date-fns';

const FORMATS = {
  datetime: 'MMM d, yyyy, h:mm:ss aaaa', millisecond: 'h:mm:ss.SSS aaaa', second: 'h:mm:ss aaaa', minute: 'h:mm aaaa', hour: 'ha',
  day: 'MMM d', week: 'PP', month: 'MMM yyyy', quarter: 'qqq - yyyy', year: 'yyyy',
};

type Unit = 'millisecond' | 'second' | 'minute' | 'hour' | 'day' | 'week' | 'month' | 'quarter' | 'year' | 'isoWeek';
const ADD = { millisecond: addMilliseconds, second: addSeconds, minute: addMinutes, hour: addHours, day: addDays, week: addWeeks, month: addMonths, quarter: addQuarters, year: addYears };
const DIFF = { millisecond: differenceInMilliseconds, second: differenceInSeconds, minute: differenceInMinutes, hour: differenceInHours, day: differenceInDays, week: differenceInWeeks, month: differenceInMonths, quarter: differenceInQuarters, year: differenceInYears };
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
      else if (typeof value === 'string') d = parseISO(value);
      else return null;
      return isValid(d) ? d.getTime() : null;
    },
    format: (time: number, fmt: string) => format(time, fmt),
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
