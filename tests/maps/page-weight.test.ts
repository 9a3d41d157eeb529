import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { freshDb, makeUser, testApp, type TestDb } from '../helpers/db';
import { buildAssetsOnce, SLUG } from '../pages/helpers';
import { syntheticBoundaries } from './synthetic-boundaries';

describe('page weight with a map', () => {
  let t: TestDb;
  beforeAll(async () => {
    await buildAssetsOnce();
    t = await freshDb('sqlite', { seed: true });
  });
  afterAll(() => t.cleanup());

  test('when the Syria page shows an admin 1 map of realistic weight, then its first load stays at most 100 KB gzipped', async () => {
    const app = testApp(t.storage);
    const admin = await makeUser(t.storage, 'admin');
    const stored = await request(app)
      .post(`/api/v1/situations/${SLUG}/boundaries`)
      .query({ source: 'Synthetic', licence: 'CC0', commit: 'true' })
      .set(admin.auth)
      .set('Content-Type', 'application/geo+json')
      .send(syntheticBoundaries().toString('utf8'))
      .expect(201);
    expect(stored.body.boundary.features).toBe(14);
    const gz = (b: Buffer | string) => gzipSync(b, { level: 6 }).length;
    const html = (await request(app).get(`/situations/${SLUG}`).expect(200)).text;
    const svg = /<svg xmlns="http:\/\/www.w3.org\/2000\/svg" class="choropleth"[\s\S]*?<\/svg>/.exec(html)![0];
    let first = gz(html);
    for (const a of [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]))
      first += gz(fs.readFileSync(path.resolve(__dirname, '../../public/build', path.basename(a))));
    console.log(
      `map: ${stored.body.boundary.vertices} points; inline SVG ${Buffer.byteLength(svg)} bytes, ${gz(svg)} gzipped; page first load ${(first / 1024).toFixed(1)} KB gzipped`,
    );
    expect(first).toBeLessThanOrEqual(100 * 1024);
  });
});
