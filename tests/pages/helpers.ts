import request from 'supertest';
import type { Express } from 'express';
import { ensureAssets } from '../../server/assets/build';

/** Builds the browser assets once if they are missing or older than their sources (pages link to them). */
let built: Promise<void> | null = null;
export const buildAssetsOnce = () => (built ??= ensureAssets());

export const SLUG = 'syria-2024-offensive';

/** The hidden CSRF token of the first form on a page. */
export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no CSRF token on the page');
  return m[1];
}

/** A cookie-keeping client signed in through the sign-in form. */
export async function signedIn(app: Express, email: string, password: string) {
  const agent = request.agent(app);
  const page = await agent.get('/sign-in').expect(200);
  await agent
    .post('/sign-in')
    .type('form')
    .send({ email, password, next: '/', _csrf: csrfFrom(page.text) })
    .expect(303);
  return agent;
}

/** A form token for the agent's session, read from a page that has a form. */
export async function tokenFor(agent: ReturnType<typeof request.agent>, path = '/'): Promise<string> {
  return csrfFrom((await agent.get(path).expect(200)).text);
}

/** A valid figure as the form sends it (strings). */
export const figureForm = (over: Record<string, string> = {}) => ({
  location: 'SY-HL',
  locationRole: 'origin',
  category: 'new_displacement',
  periodStart: '2024-11-27',
  periodEnd: '2024-12-02',
  unit: 'people',
  value: '50,000',
  quantifier: 'approximately',
  valueLow: '',
  valueHigh: '',
  organisation: 'OCHA',
  sourceUrl: 'https://reliefweb.int/report/example',
  sourceTitle: '',
  publishedOn: '2024-12-02',
  quote: 'About 50,000 people have been displaced from Aleppo.',
  role: 'recommended',
  notes: '',
  ...over,
});

/** Text of an HTML fragment without tags, whitespace collapsed. */
export const textOf = (html: string) =>
  html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#\d+|[a-z]+);/g, (m, e: string) =>
      e[0] === '#' ? String.fromCharCode(Number(e.slice(1))) : (({ nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"' } as Record<string, string>)[e] ?? m),
    )
    .replace(/\s+/g, ' ')
    .trim();
