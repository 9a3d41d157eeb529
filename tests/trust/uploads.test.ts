import request from 'supertest';
import multer from 'multer';
import { DATABASES, freshDb, makeUser, testApp, type TestDb } from '../helpers/db';
import { uploadError } from '../../server/errors';

const SLUG = 'syria-2024-offensive';
const URL = `/api/v1/situations/${SLUG}/imports`;
const CSV = 'location,category,periodEnd,value,organisation,sourceUrl,publishedOn,quote\nSY-HM,idps,2024-12-06,100,OCHA,https://example.org/u,2024-12-06,"q"\n';

describe.each(DATABASES)('multipart errors on the import API on %s', (kind) => {
  let t: TestDb;
  let app: ReturnType<typeof testApp>;
  let editor: Awaited<ReturnType<typeof makeUser>>;
  beforeAll(async () => {
    t = await freshDb(kind, { seed: true });
    app = testApp(t.storage);
    editor = await makeUser(t.storage, 'editor');
  });
  afterAll(() => t.cleanup());

  const raw = (contentType: string, body: string) => request(app).post(URL).set(editor.auth).set('Content-Type', contentType).send(body);
  const B = 'XyZboundary';
  const part = (name: string, filename: string | null, content: string) =>
    `--${B}\r\nContent-Disposition: form-data; name="${name}"${filename ? `; filename="${filename}"` : ''}\r\nContent-Type: text/csv\r\n\r\n${content}\r\n`;

  test.each([
    ['two files', () => request(app).post(URL).set(editor.auth).attach('file', Buffer.from(CSV), 'a.csv').attach('file', Buffer.from(CSV), 'b.csv'), /one file/],
    ['a wrong field name', () => request(app).post(URL).set(editor.auth).attach('upload', Buffer.from(CSV), 'a.csv'), /field "file"/],
    ['a multipart type without boundary', () => raw('multipart/form-data', part('file', 'a.csv', CSV)), /multipart/i],
    ['a truncated body', () => raw(`multipart/form-data; boundary=${B}`, part('file', 'a.csv', CSV).slice(0, 90)), /multipart|end of/i],
    ['a body that is not multipart at all', () => raw(`multipart/form-data; boundary=${B}`, 'hello'), /./],
  ])('when the upload has %s, then 400 naming the file, and nothing is stored', async (_what, send, message) => {
    const before = await t.storage.db
      .selectFrom('imports')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    const res = await send();
    expect(res.status).toBe(400);
    expect(res.body.error.fields[0]).toMatchObject({ path: 'file' });
    expect(res.body.error.message).toMatch(message);
    const after = await t.storage.db
      .selectFrom('imports')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  test('when a correct multipart upload is sent, then it is previewed (the mapping does not refuse good forms)', async () => {
    const res = await request(app).post(URL).set(editor.auth).attach('file', Buffer.from(CSV), 'a.csv').expect(200);
    expect(res.body).toMatchObject({ rowsRead: 1, errorCount: 0 });
  });
});

describe('the one upload error mapping', () => {
  test('when multer reports a file over the size limit, then 413; any other multer limit 400 naming the file', () => {
    expect(uploadError(new multer.MulterError('LIMIT_FILE_SIZE', 'file'), 200 * 1024 * 1024)).toMatchObject({
      status: 413,
      code: 'too_large',
      message: expect.stringContaining('200 MB'),
    });
    expect(uploadError(new multer.MulterError('LIMIT_FILE_COUNT'))).toMatchObject({ status: 400, details: { fields: [{ path: 'file' }] } });
    expect(uploadError(new Error('Multipart: Boundary not found'))).toMatchObject({ status: 400 });
    expect(uploadError(new Error('something else'))).toBeNull();
  });
});
