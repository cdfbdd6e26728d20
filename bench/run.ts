// `npm run bench`: every bench/*.bench.ts in one run; prints a table (and JSON with --json).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = join(process.cwd(), 'bench');
const files = readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).sort();
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
async function main(): Promise<void> {
const results: Record<string, number | string> = {};
for (const f of files) {
  if (only.length && !only.some((o) => f.includes(o))) continue;
  const mod = await import(pathToFileURL(join(dir, f)).href);
  process.stderr.write(`bench ${f} ...\n`);
  try {
    Object.assign(results, await mod.run());
  } catch (e) {
    results[`${f}: error`] = String((e as Error).message ?? e);
  }
}
if (process.argv.includes('--json')) console.log(JSON.stringify(results, null, 2));
else for (const [k, v] of Object.entries(results)) console.log(`${k.padEnd(60)} ${typeof v === 'number' ? v.toLocaleString('en-US') : v}`);
}
void main();
