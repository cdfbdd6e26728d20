// `npm run bench`: every bench/*.bench.ts in one run; prints a table (and JSON with --json).
// Each benchmark is bundled with esbuild first, as the shipped CLI and adapter are, so that
// the numbers are those of the bundled code (not of a per-module loader's indirections), and
// runs in a process of its own, so that one benchmark's heap and JIT state do not weigh on the
// next one's numbers.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

// the child: runs one bundled benchmark and prints its results as one JSON line
const CHILD = `require(process.argv[1]).run().then((r) => process.stdout.write('\\n' + JSON.stringify(r) + '\\n'), (e) => { console.error(e); process.exit(1); })`;

async function main(): Promise<void> {
  const dir = join(process.cwd(), 'bench');
  const out = join(dir, 'build');
  mkdirSync(out, { recursive: true });
  const files = readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).sort();
  const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const results: Record<string, number | string> = {};
  for (const f of files) {
    if (only.length && !only.some((o) => f.includes(o))) continue;
    const outfile = resolve(out, f.replace(/\.ts$/, '.js'));
    await build({ entryPoints: [join(dir, f)], outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning',
      external: ['playwright-core', 'esbuild'] });   // the webview bench drives Chromium and builds the views
    process.stderr.write(`bench ${f} ...\n`);
    const r = spawnSync(process.execPath, ['--expose-gc', '-e', CHILD, outfile], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 });
    const last = (r.stdout ?? '').trim().split('\n').pop() ?? '';
    try {
      if (r.status !== 0) throw new Error(`exit status ${r.status}`);
      Object.assign(results, JSON.parse(last));
    } catch (e) {
      results[`${f}: error`] = String((e as Error).message ?? e);
    }
  }
  if (process.argv.includes('--json')) console.log(JSON.stringify(results, null, 2));
  else for (const [k, v] of Object.entries(results)) console.log(`${k.padEnd(60)} ${typeof v === 'number' ? v.toLocaleString('en-US') : v}`);
}
void main();
