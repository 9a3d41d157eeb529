import fs from 'node:fs';
import { readAll, dataFile } from './helpers';

const DAILY = fs.readFileSync(dataFile('ukraine/unhcr-refugees-from-ukraine-daily-2022.csv'), 'utf8');
const lines = DAILY.trim().split('\n');
const options = {
  map: { data_date: 'periodEnd', individuals: 'value' },
  defaults: { category: 'refugees' as const, organisation: 'UNHCR', sourceUrl: 'https://data.unhcr.org/en/situations/ukraine' },
  situationCountry: 'UKR',
};

describe('files as spreadsheets save them', () => {
  test('when the file has CRLF line endings, then every row is read with clean cells', async () => {
    const { summary, figures } = await readAll(lines.join('\r\n') + '\r\n', options);
    expect(summary).toMatchObject({ rowsRead: 95, rowsOk: 95, fileErrors: [] });
    expect(figures[94]).toMatchObject({ periodEnd: '2022-05-29', value: 6801987 });
  });

  test('when line endings are mixed (CRLF, LF and a lone CR), then each ends a row', async () => {
    const endings = ['\r\n', '\n', '\r'];
    const text = lines.map((l, i) => l + endings[i % 3]).join('');
    const { summary, figures } = await readAll(text, options);
    expect(summary).toMatchObject({ rowsRead: 95, rowsOk: 95, rowsWithErrors: 0 });
    expect(figures.map((f) => f.value).slice(0, 3)).toEqual([79209, 179525, 322760]);
  });

  test('when a quoted cell holds a line break of another kind, then it stays in the cell', async () => {
    const text = 'data_date,individuals,note\r\n2022-02-24,79209,"first\nday"\n2022-02-25,179525,x\r\n';
    const { summary, items } = await readAll(text, { ...options, map: { ...options.map, note: 'notes' } });
    expect(summary).toMatchObject({ rowsRead: 2, rowsOk: 2 });
    expect(items[0]!.figure).toMatchObject({ notes: 'first\nday' });
    expect(items[1]!.row).toBe(3);
  });

  test('when the file has an HXL row with tags of its own, then the header row above it is still mapped and the tag row is not data', async () => {
    const text = ['data_date,individuals,daily', '#date+occurred,#population+total+ind,#population+new', ...lines.slice(1)].join('\n');
    const { summary, figures } = await readAll(text, options);
    expect(summary).toMatchObject({ layout: 'mapped', hxl: true, headerRow: 1, rowsRead: 95, rowsOk: 95 });
    expect(figures[0]).toMatchObject({ periodEnd: '2022-02-24', value: 79209, publishedOn: '2022-02-24' });
  });
});
