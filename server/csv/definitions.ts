/**
 * README.txt for CSV downloads: every column of every export, the neutralisation rule and the HXL option.
 *
 * Why: partners open these files without the app at hand. The text is generated from the column definitions
 * in exports.ts, so a column added or renamed there is documented here automatically.
 */
import { CATEGORY_TAGS, EXPORTS, readableSummaryColumns, type ReadableText, type TagOptions } from './exports';

const WIDTH = 100;

function wrap(text: string, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && (indent + line + ' ' + word).length > WIDTH) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines.join('\n');
}

/** The plain-text definitions file (LF line ends; it is a README, not a CSV). */
export function definitionsText(text?: ReadableText): string {
  const out: string[] = [];
  const para = (t: string) => out.push(wrap(t, ''), '');
  out.push('DISPLACEMENT TRACKER: CSV DOWNLOADS', '='.repeat(35), '');
  para(
    'Files are UTF-8 CSV as in RFC 4180: comma separated, CRLF line ends, fields quoted with " when they hold a comma, quote or line break. The first row holds the column names below. Numbers are plain digits with no thousands separators (1234567) and a dot for decimals; dates are ISO 8601 (YYYY-MM-DD, timestamps YYYY-MM-DDTHH:MM:SS.sssZ in UTC); an empty cell means no value.',
  );
  para(
    "Spreadsheet safety: a text cell that starts with =, +, -, @, a tab or a carriage return is written with a leading apostrophe (') so that spreadsheets show it as text instead of running it as a formula. Plain numbers such as -12 or +3.5 are left as they are. The import removes that apostrophe again.",
  );
  para('Byte order mark: with bom=1 the file starts with a UTF-8 byte order mark, which Excel on Windows needs to show non-English names correctly.');
  para(
    "HXL: with hxl=1 a second row holds HXL hashtags (https://hxlstandard.org), so HDX tools and HXL-aware imports can recognise the columns whatever their names. Population columns carry the category's tag when a file holds a single category (" +
      Object.entries(CATEGORY_TAGS)
        .map(([c, t]) => `${c} ${t}`)
        .join(', ') +
      ') and the plain #affected tag when rows mix categories, in which case the category column (#meta+category) says which population a row counts. Location columns carry #country (admin level 0), #adm1 or #adm2 when all rows are at one level, else #loc. Tags shown below are those of a file that mixes categories and levels; for a single-category file read #affected+idps (for example) in place of #affected.',
  );
  for (const [name, ex] of Object.entries(EXPORTS)) {
    // The readable summary's headers are interface text (the instance's language); without it, only its purpose.
    const cols = 'readable' in ex ? (text ? readableSummaryColumns(text) : []) : ex.columns({} as TagOptions);
    out.push(`${ex.file}  (${ex.title}; export "${name}")`, '-'.repeat(ex.file.length + ex.title.length + name.length + 16));
    para(ex.purpose);
    for (const c of cols) {
      out.push(`  ${c.header}${c.hxl ? `   [${c.hxl}]` : ''}`);
      out.push(wrap(c.description, '      '));
    }
    out.push('');
  }
  para(
    'Sources: figures keep the organisation, address, publication date and the verbatim sentence they come from. Figures imported from IOM DTM and IDMC datasets carry a generated statement of the dataset row instead of a sentence, because those datasets publish numbers, not sentences.',
  );
  return out.join('\n');
}
