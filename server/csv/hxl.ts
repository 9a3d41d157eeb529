/*
 * HXL hashtags (https://hxlstandard.org/standard/1-1final/): parsing, matching and finding the hashtag row.
 *
 * Why: HDX files (DTM, IDMC, UNHCR) put a row of hashtags such as `#affected+idps` under the header row, and
 * HXL tools match columns by tag and attributes rather than by header text, which varies between publishers.
 * Matching follows HXL: case-insensitive, attribute order ignored, a pattern matches a column that has the
 * pattern's tag and at least its attributes (`#affected+idps` matches `#affected+idps+ind`), and `-attr` in a
 * pattern excludes columns carrying that attribute.
 */

export interface HxlTag {
  tag: string; // lower-case, without '#'
  attributes: string[]; // lower-case, sorted, without '+'
}

export interface HxlPattern extends HxlTag {
  excluded: string[]; // `-attr` parts of a pattern
}

const TAG_CELL = /^\s*#[a-z][a-z0-9_]*(\s*[+-]\s*[a-z][a-z0-9_]*)*\s*$/i;

/** True when a cell is a hashtag spec such as `#adm1+code` (spaces around `+` are allowed, as in HXL). */
export function isHashtag(cell: string): boolean {
  return TAG_CELL.test(cell);
}

/** Parses `#Affected +IDPs` → { tag: 'affected', attributes: ['idps'] }; undefined when the cell is not a hashtag. */
export function parseTag(cell: string): HxlTag | undefined {
  const p = parsePattern(cell);
  return p && p.excluded.length === 0 ? { tag: p.tag, attributes: p.attributes } : undefined;
}

/** Parses a pattern; `-attr` parts become exclusions. */
export function parsePattern(spec: string): HxlPattern | undefined {
  if (!isHashtag(spec)) return undefined;
  const parts =
    spec
      .replace(/\s+/g, '')
      .toLowerCase()
      .match(/[#+-][a-z0-9_]+/g) ?? [];
  const [head = '#', ...rest] = parts;
  return {
    tag: head.slice(1),
    attributes: [...new Set(rest.filter((p) => p[0] === '+').map((p) => p.slice(1)))].sort(),
    excluded: rest.filter((p) => p[0] === '-').map((p) => p.slice(1)),
  };
}

/** Canonical text of a tag (`#affected+idps+ind`), for equality and messages. */
export function tagText(t: HxlTag): string {
  return `#${t.tag}${t.attributes.map((a) => `+${a}`).join('')}`;
}

/** HXL matching: same tag, all pattern attributes present, no excluded attribute present. */
export function tagMatches(pattern: HxlPattern, column: HxlTag): boolean {
  return pattern.tag === column.tag && pattern.attributes.every((a) => column.attributes.includes(a)) && !pattern.excluded.some((a) => column.attributes.includes(a));
}

/**
 * The column index that best matches a pattern: among matching columns not in `taken`, the one with the
 * fewest extra attributes (an exact match first), then the leftmost. -1 when none matches.
 */
export function bestMatch(patternSpec: string, tags: (HxlTag | undefined)[], taken: ReadonlySet<number> = new Set()): number {
  const pattern = parsePattern(patternSpec);
  if (!pattern) throw new Error(`not an HXL pattern: ${patternSpec}`);
  let best = -1;
  let bestExtra = Infinity;
  tags.forEach((t, i) => {
    if (!t || taken.has(i) || !tagMatches(pattern, t)) return;
    const extra = t.attributes.length - pattern.attributes.length;
    if (extra < bestExtra) [best, bestExtra] = [i, extra];
  });
  return best;
}

/** How many leading rows HXL looks at for the hashtag row (libhxl's limit). */
export const HXL_SEARCH_ROWS = 25;

/**
 * HXL's test for a hashtag row: at least one non-empty cell, and at least half of the non-empty cells are
 * hashtags. Empty cells are untagged columns.
 */
export function isHashtagRow(cells: string[]): boolean {
  const nonEmpty = cells.filter((c) => c.trim() !== '');
  if (nonEmpty.length === 0) return false;
  return nonEmpty.filter(isHashtag).length * 2 >= nonEmpty.length;
}
