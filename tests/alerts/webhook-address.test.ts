/**
 * Webhooks are fetched by the server, so an editor's URL must not reach the server's own network (cloud metadata,
 * databases on loopback) nor turn the delivery log into a port scanner; URLs fetch() cannot send are refused too.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { DATABASES, freshDb, makeUser, type TestDb } from '../helpers/db';
import { isBlockedAddress, webhookAddressProblem, webhookUrlProblem } from '../../server/alerts/webhook-address';
import { alertApp, SLUG } from './helpers';

describe('webhook addresses', () => {
  test('when an address is loopback, private, link-local, CGNAT, unspecified or multicast (v4, v6, mapped), then it is blocked; public ones are not', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
    ])
      expect({ a, blocked: isBlockedAddress(a) }).toEqual({ a, blocked: true });
    for (const a of ['93.184.215.14', '8.8.8.8', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8']) expect({ a, blocked: isBlockedAddress(a) }).toEqual({ a, blocked: false });
  });

  test('when a URL carries credentials or a port fetch refuses, then it is refused before any look-up', () => {
    expect(webhookUrlProblem('http://user:pass@example.org/hook')).toBe('url_credentials');
    expect(webhookUrlProblem('http://example.org:22/')).toBe('url_port');
    expect(webhookUrlProblem('http://example.org:6667/')).toBe('url_port');
    expect(webhookUrlProblem('https://example.org/hook')).toBeNull();
    expect(webhookUrlProblem('http://example.org:8080/hook')).toBeNull();
  });

  test('when a name resolves to a private address, or to nothing, then it is refused; a public one is not', async () => {
    const to = (...addresses: string[]) => (async () => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))) as never;
    expect(await webhookAddressProblem('https://hooks.example.org/x', to('93.184.215.14', '10.0.0.5'))).toBe('url_private');
    expect(await webhookAddressProblem('https://hooks.example.org/x', to('93.184.215.14'))).toBeNull();
    const fails = (async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    }) as never;
    expect(await webhookAddressProblem('https://nowhere.invalid/x', fails)).toBe('url_unresolvable');
    expect(await webhookAddressProblem('http://[::1]:8080/x')).toBe('url_private');
  });
});

describe.each(DATABASES)('webhook URLs through the API on %s', (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await freshDb(kind, { seed: true });
  });
  afterAll(() => t.cleanup());

  test('when an editor gives an internal or undeliverable URL, then 400 names the url field and nothing is stored', async () => {
    const x = alertApp(t.storage, { WEBHOOK_PRIVATE_ADDRESSES: 'false' });
    const editor = await makeUser(t.storage, 'editor');
    const secret = 'a-long-shared-secret-123';
    try {
      for (const [url, code] of [
        ['http://169.254.169.254/latest/meta-data/', 'url_private'],
        ['http://127.0.0.1:3401/hook', 'url_private'],
        ['http://[::1]/', 'url_private'],
        ['http://0x7f000001/', 'url_private'],
        ['http://localhost:8080/', 'url_private'],
        ['http://localhost:22/', 'url_port'],
        ['http://user:pass@example.org/', 'url_credentials'],
      ]) {
        const res = await request(x.app).post(`/api/v1/situations/${SLUG}/webhooks`).set(editor.auth).send({ url, secret });
        expect({ url, status: res.status, fields: res.body.error.fields.map((f: { path: string; code: string }) => [f.path, f.code]) }).toEqual({
          url,
          status: 400,
          fields: [['url', code]],
        });
      }
      expect((await request(x.app).get(`/api/v1/situations/${SLUG}/webhooks`).set(editor.auth).expect(200)).body.data).toEqual([]);
    } finally {
      x.alerts.stop();
      await x.alerts.settled();
    }
  });

  test('when a stored webhook points to a private address and the instance no longer allows it, then the delivery is not sent and the log says why', async () => {
    let hits = 0;
    const server = http.createServer((_req, res) => {
      hits++;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const editor = await makeUser(t.storage, 'editor');
    // Made while private addresses were allowed (the tests' default)…
    const before = alertApp(t.storage);
    await request(before.app).post(`/api/v1/situations/${SLUG}/webhooks`).set(editor.auth).send({ url, secret: 'a-long-shared-secret-123' }).expect(201);
    before.alerts.stop();
    // …delivered by an instance that does not allow them.
    const x = alertApp(t.storage, { WEBHOOK_PRIVATE_ADDRESSES: 'false', ALERT_RETRY_BASE_MS: '50' });
    try {
      await request(x.app).post(`/api/v1/situations/${SLUG}/alert-rules`).set(editor.auth).send({ kind: 'threshold', category: 'new_displacement', threshold: 300000 }).expect(201);
      await x.alerts.settled();
      const log = (await request(x.app).get(`/api/v1/situations/${SLUG}/alert-deliveries`).set(editor.auth).expect(200)).body.data;
      expect(log).toEqual([expect.objectContaining({ channel: 'webhook', target: url, lastError: 'not sent: url_private' })]);
      expect(hits).toBe(0);
    } finally {
      x.alerts.stop();
      await x.alerts.settled();
      server.close();
    }
  });
});
