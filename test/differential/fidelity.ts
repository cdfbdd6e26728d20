// Long differential campaigns: `npm run test:fidelity -- --count N [--ops M] [--profile P] [--seed S] [--jobs J]`.
// Prints a summary of traces and steps compared and every mismatch (with the files to rerun it).
import { PROFILES, generate, type Profile } from './gen';
import { buildHarness, referenceTarget } from './host';
import { checkTrace, pool } from './runner';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : def;
}

async function main(): Promise<void> {
  const count = Number(arg('count', '100'));
  const ops = Number(arg('ops', '500'));
  const seed0 = Number(arg('seed', '1'));
  const jobs = Number(arg('jobs', '3'));
  const only = arg('profile', '');
  const profiles: Profile[] = only ? [only as Profile] : [...PROFILES];
  buildHarness();
  const target = referenceTarget();
  const t0 = Date.now();
  const items = Array.from({ length: count }, (_, k) => ({ profile: profiles[k % profiles.length], seed: seed0 + k }));
  let done = 0, steps = 0, bad = 0;
  await pool(items, jobs, async (it) => {
    const r = await checkTrace(`${it.profile}-${it.seed}`, generate(it.profile, it.seed, ops), target);
    done++; steps += r.steps;
    if (r.mismatch) {
      bad++;
      console.log(`MISMATCH ${r.name} step ${r.mismatch.step} ${r.mismatch.path}: emulator ${JSON.stringify(r.mismatch.emulator)} glibc ${JSON.stringify(r.mismatch.glibc)} op ${r.op} files ${r.dir}`);
    }
    if (done % 500 === 0) console.log(`... ${done}/${count} traces, ${steps} steps, ${bad} mismatches (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  });
  console.log(`fidelity: ${count} traces (${profiles.join(', ')}), ${ops} ops each, ${steps} steps compared against ${target.name}: ${bad} mismatching traces, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  process.exitCode = bad ? 1 : 0;
}
void main();
