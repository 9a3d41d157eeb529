/**
 * BENCHMARKS.md's alert evaluation section is written by bench/alerts.ts (`npm run bench:alerts --markdown`), not by
 * bench/run.ts: run.ts rewrites the file and keeps the section as it was, between these markers.
 */
const START = '<!-- bench:alerts -->';
const END = '<!-- /bench:alerts -->';

/** The marked section of `text`, or '' when it has none. */
export function alertsSection(text: string): string {
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  return a >= 0 && b > a ? text.slice(a, b + END.length) : '';
}

/** `text` with its alert section replaced by `section` (a marked one), or `section` put before "How each number is taken". */
export function withAlertsSection(text: string, section: string): string {
  if (!section) return text;
  const old = alertsSection(text);
  if (old) return text.replace(old, () => section);
  return text.replace('\n## How each number is taken', () => `\n${section}\n\n## How each number is taken`);
}

/** A marked section from its markdown body. */
export const markAlertsSection = (body: string) => `${START}\n${body}\n${END}`;
