/**
 * A small Atom 1.0 (RFC 4287) writer for the alert feeds. The `feed` package is ESM-only and does not load in this
 * CommonJS build and test setup; an alert feed needs only the required elements, so they are written here and the
 * tests read the result back with a real XML parser and check the RFC's required elements.
 */
export interface AtomEntry {
  id: string;
  title: string;
  updated: string;
  published: string;
  link: string;
  summary: string;
}

export interface AtomFeed {
  id: string;
  title: string;
  updated: string;
  selfUrl: string;
  alternateUrl: string;
  author: string;
  /** The language of the feed's text (xml:lang, RFC 4287 §2). */
  lang: string;
  entries: AtomEntry[];
}

// XML 1.0 forbids most control characters even escaped; user text could carry them, so they are dropped.
const INVALID_XML = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
export const xmlEscape = (s: string) => s.replace(INVALID_XML, '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

export function atom(f: AtomFeed): string {
  const e = xmlEscape;
  const entries = f.entries.map(
    (x) => `  <entry>
    <id>${e(x.id)}</id>
    <title type="text">${e(x.title)}</title>
    <updated>${e(x.updated)}</updated>
    <published>${e(x.published)}</published>
    <link rel="alternate" type="text/html" href="${e(x.link)}"/>
    <summary type="text">${e(x.summary)}</summary>
  </entry>`,
  );
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${e(f.lang)}">
  <id>${e(f.id)}</id>
  <title type="text">${e(f.title)}</title>
  <updated>${e(f.updated)}</updated>
  <link rel="self" type="application/atom+xml" href="${e(f.selfUrl)}"/>
  <link rel="alternate" type="text/html" href="${e(f.alternateUrl)}"/>
  <author><name>${e(f.author)}</name></author>
  <generator>displacement-tracker</generator>
${entries.join('\n')}
</feed>
`;
}
