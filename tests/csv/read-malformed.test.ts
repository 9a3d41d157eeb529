/** Malformed input: every problem comes back as a row error (or a file error) naming the row and column. */
import { readAll } from './helpers';

const HEADER = 'location,category,periodEnd,value,organisation,sourceUrl,publishedOn,quote';
const good = (date = '2024-12-01', value = '100') => `SYR,idps,${date},${value},WFP,https://www.wfp.org/news/syria,2024-12-05,"some ${value} people"`;
const csv = (...rows: string[]) => [HEADER, ...rows].join('\n') + '\n';

describe('CSV structure', () => {
  it('when a quote is never closed, then that row is an error and earlier rows still import', async () => {
    const { errors, figures, summary } = await readAll(csv(good(), good('2024-12-02'), 'SYR,idps,2024-12-03,"300,WFP,https://x.org,2024-12-03,q', 'SYR,idps,2024-12-04,400'));
    expect(figures).toHaveLength(2);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ row: 4, column: '' });
    expect(errors[0]!.message).toMatch(/^unbalanced quotes: a cell opened with " in this row is never closed/);
    expect(summary).toMatchObject({ rowsRead: 3, rowsOk: 2, rowsWithErrors: 1, fileErrors: [] });
  });

  it('when a stray quote swallows a line break up to the next quote, then the merged row is an error that points at the quote', async () => {
    const { errors, figures } = await readAll(csv(good(), 'SYR,idps,2024-12-02,"200,WFP,https://x.org,2024-12-03,q', good('2024-12-03'), good('2024-12-04')));
    expect(figures.map((f) => f.periodEnd)).toEqual(['2024-12-01', '2024-12-04']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ row: 3, column: '' });
    expect(errors[0]!.message).toMatch(/a cell here runs over a line break, so a quote \("\) in this row is probably unbalanced$/);
  });

  it('when a row has a cell too many or too few, then it is an error with the counts, and the other rows import', async () => {
    const { errors, figures } = await readAll(csv(good(), `${good('2024-12-02')},extra`, 'SYR,idps,2024-12-03,300', good('2024-12-04')));
    expect(figures.map((f) => f.periodEnd)).toEqual(['2024-12-01', '2024-12-04']);
    expect(errors.map((e) => [e.row, e.message])).toEqual([
      [3, 'has 9 cells but the header has 8: a comma too many or too few, or an unquoted comma inside a cell'],
      [4, 'has 4 cells but the header has 8: a comma too many or too few, or an unquoted comma inside a cell'],
    ]);
  });

  it('when a quoted cell spans two lines, then the rows after it keep their spreadsheet row numbers', async () => {
    const rows = [good(), 'SYR,idps,2024-12-02,200,WFP,https://x.org,2024-12-03,"line one\nline two"', good('2024-12-31', '-5')];
    const { errors, figures } = await readAll(csv(...rows));
    expect(figures[1]!.quote).toBe('line one\nline two');
    expect(errors).toEqual([{ row: 4, column: 'value', value: '-5', message: 'must not be negative', code: 'negative' }]);
  });

  it('when a column the import reads is in the header twice, then the file is refused naming it, rather than one silently dropped', async () => {
    const { errors, figures, summary } = await readAll(`${HEADER},Value\n${good('2024-12-01', '1012')},99999\n`);
    expect(figures).toHaveLength(0);
    expect(errors).toEqual([
      {
        row: 1,
        column: 'value',
        value: '',
        message: 'the header value is on more than one column: which one holds the values is not clear; rename or remove one',
        code: 'column_duplicate',
        params: { column: 'value' },
      },
    ]);
    expect(summary.fileErrors.map((e) => e.code)).toEqual(['column_duplicate']);
    // A repeated column the import does not read is no problem.
    expect((await readAll(`${HEADER},remarks,remarks\n${good()},a,b\n`)).figures).toHaveLength(1);
  });

  it('when blank lines sit between rows, then they are skipped but still counted in row numbers', async () => {
    const { errors, summary } = await readAll(`${HEADER}\n\n${good()}\n\n${good('2023-02-30')}\n`);
    expect(summary.rowsRead).toBe(2);
    expect(errors).toEqual([
      { row: 5, column: 'periodEnd', value: '2023-02-30', message: '2023-02-30 is not a real calendar date', code: 'date_not_real', params: { date: '2023-02-30' } },
    ]);
  });
});

describe('cell values', () => {
  it('when dates are impossible or not ISO, then the cell is named with its value', async () => {
    const { errors } = await readAll(csv(good('2023-02-30'), good('30/11/2024'), good('2024-13-01'), good('2023-04-28T00:00:00')));
    expect(errors).toEqual([
      { row: 2, column: 'periodEnd', value: '2023-02-30', message: '2023-02-30 is not a real calendar date', code: 'date_not_real', params: { date: '2023-02-30' } },
      { row: 3, column: 'periodEnd', value: '30/11/2024', message: 'must be a date as YYYY-MM-DD', code: 'date_format' },
      { row: 4, column: 'periodEnd', value: '2024-13-01', message: '2024-13-01 is not a real calendar date', code: 'date_not_real', params: { date: '2024-13-01' } },
    ]);
  });

  it('when numbers are negative, not numbers, decimals or have thousands separators, then each says what to write', async () => {
    const row = (v: string) => `SYR,idps,2024-12-01,${v},WFP,https://x.org,2024-12-05,a quote`;
    const { errors } = await readAll(csv(row('-5'), row('about 100'), row('12.5'), row('"1,234"'), row('12.0')));
    expect(errors.map((e) => [e.row, e.column, e.value, e.message])).toEqual([
      [2, 'value', '-5', 'must not be negative'],
      [3, 'value', 'about 100', 'must be a whole number, e.g. 1234'],
      [4, 'value', '12.5', 'must be a whole number'],
      [5, 'value', '1,234', 'must be a plain whole number without thousands separators: write 1234'],
    ]);
  });

  it('when an enum value is not one of figure.ts, then the message lists the allowed values', async () => {
    const { errors } = await readAll(
      [
        'location,category,periodEnd,value,organisation,sourceUrl,publishedOn,quote,status,quantifier',
        'SYR,idp,2024-12-01,100,WFP,https://x.org,2024-12-05,q,approved,about',
        'SYR,idps,2024-12-01,100,WFP,https://x.org,2024-12-05,q,Approved,exact',
      ].join('\n'),
    );
    expect(errors).toEqual([
      {
        row: 2,
        column: 'category',
        value: 'idp',
        message: 'must be one of new_displacement, return, cross_border_outflow, idps, returnees, refugees',
        code: 'one_of',
        params: { values: 'new_displacement, return, cross_border_outflow, idps, returnees, refugees' },
      },
      {
        row: 2,
        column: 'quantifier',
        value: 'about',
        message: 'must be one of exact, approximately, more_than, less_than',
        code: 'one_of',
        params: { values: 'exact, approximately, more_than, less_than' },
      },
      { row: 3, column: 'status', value: 'Approved', message: 'must be one of draft, approved, rejected', code: 'one_of', params: { values: 'draft, approved, rejected' } },
    ]);
  });

  it('when a required cell is empty, then "is required" names its column', async () => {
    const { errors } = await readAll(csv('SYR,idps,2024-12-01,100,,https://x.org,2024-12-05,"q"'));
    expect(errors).toEqual([{ row: 2, column: 'organisation', value: '', message: 'is required', code: 'required' }]);
  });
});

describe('files that are not CSV figures', () => {
  it('when the input is 0 bytes, then a file error says the file is empty', async () => {
    const { summary, items } = await readAll(Buffer.alloc(0));
    expect(summary.fileErrors.map((e) => e.message)).toEqual(['the file is empty (0 bytes)']);
    expect(items).toEqual([{ type: 'row', row: 1, errors: [{ row: 1, column: '', value: '', message: 'the file is empty (0 bytes)', code: 'file_empty' }] }]);
  });

  it('when the file holds only blank lines or a BOM, then it is empty too', async () => {
    expect((await readAll('\n\r\n\n')).summary.fileErrors.map((e) => e.message)).toEqual(['the file is empty: it has no rows, only blank lines']);
    expect((await readAll('\uFEFF')).summary.fileErrors.map((e) => e.message)).toEqual(['the file is empty: it has no rows, only blank lines']);
  });

  it('when the file has a header but no rows, then it says so', async () => {
    const { summary } = await readAll(`${HEADER}\n`);
    expect(summary).toMatchObject({ layout: 'figures-export', rowsRead: 0, fileErrors: [{ message: 'the file has a header row but no data rows', code: 'header_no_data' }] });
  });

  it('when the file is Latin-1 (Excel "CSV"), then a file error gives the byte, offset and line and says to save as CSV UTF-8', async () => {
    const text = csv(good(), 'CIV,idps,2024-12-01,100,WFP,https://x.org,2024-12-05,"déplacés en Côte d\'Ivoire"');
    const bytes = Buffer.from(text, 'latin1');
    const { summary, figures } = await readAll(bytes);
    const offset = bytes.indexOf(0xe9);
    expect(summary.fileErrors.map((e) => e.message)).toEqual([
      `file is not UTF-8 (byte 0xE9 at offset ${offset}, line 3); save it as "CSV UTF-8" (Excel: File › Save As › CSV UTF-8) and import it again`,
    ]);
    expect(figures.length).toBeLessThanOrEqual(1); // rows before the bad byte may have streamed: fileErrors means do not commit
  });

  it('when a UTF-8 file starts with a BOM, then the BOM is not part of the first header', async () => {
    const { figures, summary } = await readAll(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv(good()))]));
    expect(summary.layout).toBe('figures-export');
    expect(figures).toHaveLength(1);
  });

  it('when multi-byte characters are split across chunks, then they are not mistaken for invalid UTF-8', async () => {
    const { Readable } = await import('node:stream');
    const bytes = Buffer.from(csv('SYR,idps,2024-12-01,100,WFP,https://x.org,2024-12-05,"نزوح — 100 déplacés"'));
    const chunks = [...bytes].map((b) => Buffer.from([b])); // one byte per chunk
    const { figures, summary } = await readAll(Readable.from(chunks));
    expect(summary.fileErrors.map((e) => e.message)).toEqual([]);
    expect(figures[0]!.quote).toBe('نزوح — 100 déplacés');
  });

  it('when no layout matches, then a file error lists what is expected', async () => {
    const { summary } = await readAll('a,b\n1,2\n');
    expect(summary.layout).toBeNull();
    expect(summary.fileErrors[0]!.message).toMatch(/^the layout is not recognised/);
  });

  it('when a DTM admin 0–2 part row is bad, then the sum it belongs to is not imported short', async () => {
    const text = [
      'id,operation,admin0Name,admin0Pcode,admin1Name,admin1Pcode,admin2Name,admin2Pcode,adminLevel,numPresentIdpInd,reportingDate,roundNumber,displacementReason,assessmentType',
      ',Op,Chad,TCD,,,,,0,100,2020-01-31T00:00:00,3,Conflict,BA',
      ',Op,Chad,TCD,,,,,0,abc,2020-01-31T00:00:00,3,Insecurity,BA',
      ',Op,Chad,TCD,,,,,0,50,2020-02-29T00:00:00,4,Conflict,BA',
    ].join('\n');
    const { figures, errors } = await readAll(text);
    expect(figures.map((f) => [f.periodEnd, f.value])).toEqual([['2020-02-29', 50]]);
    expect(errors.map((e) => [e.row, e.column])).toEqual([
      [3, 'numPresentIdpInd'],
      [3, ''],
    ]);
    expect(errors[1]!.message).toBe('the figure for Chad on 2020-01-31 (round 3) was not imported: it is the sum of 2 rows and this row has errors, so the sum would be short');
  });
});

describe('HXL hashtag row', () => {
  it('when title rows precede the header and hashtag rows, then the hashtag row is found within 25 rows and the header is the row above it', async () => {
    const text = ['Displacement in Sudan, compiled by OCHA,,', ',,', 'State,IDPs,As of', '#adm1+code,#affected+idps,#date+reported', 'SD01,13545,2023-04-28'].join('\n');
    const { summary, figures } = await readAll(text, { situationCountry: 'SDN', defaults: { organisation: 'OCHA', sourceUrl: 'https://www.unocha.org/sudan' } });
    expect(summary).toMatchObject({ layout: 'hxl', hxl: true, headerRow: 3, rowsRead: 1 });
    expect(figures[0]).toMatchObject({ location: 'SD01', category: 'idps', value: 13545, periodEnd: '2023-04-28' });
  });

  it('when tags differ in case, spacing and attribute order, then they still match', async () => {
    const text = ['a,b,c,d', '#Country+Code,#AFFECTED +Displaced,#date +Reported,#meta+source', 'SDN,1000,2023-05-01,OCHA'].join('\n');
    const { figures } = await readAll(text, { defaults: { sourceUrl: 'https://www.unocha.org/sudan' } });
    expect(figures[0]).toMatchObject({ location: 'SDN', category: 'new_displacement', value: 1000, organisation: 'OCHA' });
  });
});
