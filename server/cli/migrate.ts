import { runCli } from './common';
import { loadReferenceLocations } from '../seeding/seed';

/** npm run db:migrate: apply pending migrations and load reference locations. */
void runCli({}, async ({ storage }) => {
  const n = await loadReferenceLocations(storage);
  console.log(`Database ${storage.describe} is up to date; ${n} reference locations checked.`);
});
