import { createInterface } from 'node:readline';
import { runCli, readStdin } from './common';
import { parseOrThrow } from '../validation';
import { userCreateSchema } from '../auth/user';
import { usersRepository } from '../auth/users.repository';
import { HttpError } from '../errors';

/** Asks for a password on the terminal without echoing it. */
function promptPassword(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    const out = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WritableStream };
    let asked = false;
    out._writeToOutput = (s: string) => {
      if (!asked) {
        out.output.write(s);
        asked = true;
      }
    };
    rl.question(question, (answer) => {
      rl.close();
      process.stdout.write('\n');
      resolve(answer);
    });
  });
}

/**
 * npm run user:add -- --email a@b.org --role editor [--name "A B"] [--password-stdin] [--token]
 * Creates a user; --token also prints a personal API token (shown once).
 */
void runCli(
  { email: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' }, 'password-stdin': { type: 'boolean' }, token: { type: 'boolean' } },
  async ({ values, storage }) => {
    let password: string;
    if (values['password-stdin']) password = (await readStdin()).replace(/\r?\n$/, '');
    else if (process.stdin.isTTY) {
      password = await promptPassword('Password (10 characters or more): ');
      if ((await promptPassword('Repeat the password: ')) !== password) throw new HttpError(400, 'validation_failed', 'The passwords do not match');
    } else throw new HttpError(400, 'validation_failed', 'No terminal to ask for a password: pipe it with --password-stdin');
    const input = parseOrThrow(userCreateSchema, { email: values.email, role: values.role, name: values.name, password });
    if (await usersRepository.byEmail(storage.db, input.email)) throw new HttpError(409, 'conflict', `A user with email ${input.email} already exists`);
    const user = await usersRepository.create(storage.db, input);
    console.log(`Created ${user.role} ${user.email} (id ${user.id}).`);
    if (values.token) console.log(`API token (shown once, keep it secret): ${await usersRepository.createToken(storage.db, user.id, 'cli')}`);
  },
);
