// Lints each { filename, code } of the JSON array on stdin with the project's ESLint config, in one process
// (loading ESLint once), and prints [{ filename, messages: [{ ruleId, message }] }] as JSON.
import { ESLint } from 'eslint';

let input = '';
for await (const chunk of process.stdin) input += chunk;
const eslint = new ESLint();
const out = [];
for (const { filename, code } of JSON.parse(input)) {
  const [result] = await eslint.lintText(code, { filePath: filename });
  out.push({ filename, messages: result.messages.map((m) => ({ ruleId: m.ruleId, message: m.message })) });
}
process.stdout.write(JSON.stringify(out));
