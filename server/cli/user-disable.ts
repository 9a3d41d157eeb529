import { runCli } from './common';
import { TokensService } from '../auth/tokens.service';

/**
 * npm run user:disable -- --email a@b.org
 * Disables an account: it can no longer sign in, its API tokens are revoked and its sessions ended.
 * Its figures and history stay as they are.
 */
void runCli({ email: { type: 'string' } }, async ({ values, storage }) => {
  const done = await new TokensService(storage).disableUser({ email: values.email }, 'cli');
  console.log(
    done.alreadyDisabled ? `${done.email} was already disabled; any remaining tokens and sessions are revoked.` : `Disabled ${done.email}: tokens revoked, sessions ended.`,
  );
});
