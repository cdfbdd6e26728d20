// `npm run bench`: every bench/*.bench.ts in one run; prints a table (and JSON with --json).
// Each benchmark is bundled with esbuild first, as the shipped CLI and adapter are, so that
// the numbers are those of the bundled code (not of a per-module loader's indirections).
import { build } from 'esbuild';
import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

async function main(): Promise<void> {
  const dir = join(process.cwd(), 'bench');
  const out = join(dir, 'build');
  mkdirSync(out, { recursive: true });
  const files = readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).sort();
  const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const results: Record<string, number | string> = {};
  const req = createRequire(__filename);
  for (const f of files) {
    if (only.length && !only.some((o) => f.includes(o))) continue;
    const outfile = resolve(out, f.replace(/\.ts$/, '.js'));
    await build({ entryPoints: [join(dir, f)], outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning',
      external: ['playwright-core', 'esbuild'] });   // the webview bench drives Chromium and builds the views
    process.stderr.write(`bench ${f} ...\n`);
    try {
      Object.assign(results, await req(outfile).run());
    } catch (e) {
      results[`${f}: error`] = String((e as Error).message ?? e);
    }
  }
  if (process.argv.includes('--json')) console.log(JSON.stringify(results, null, 2));
  else for (const [k, v] of Object.entries(results)) console.log(`${k.padEnd(60)} ${typeof v === 'number' ? v.toLocaleString('en-US') : v}`);
}
void main();
