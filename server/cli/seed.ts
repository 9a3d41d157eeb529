import { runCli } from './common';
import { seed } from '../seeding/seed';

/** npm run db:seed: load seeds/ again; adds only what is missing. */
void runCli({}, async ({ storage }) => {
  const added = await seed(storage);
  console.log(`Seeded ${storage.describe}: ${added.situations} situation(s), ${added.figures} figure(s), ${added.scenarios} scenario(s) added.`);
});
