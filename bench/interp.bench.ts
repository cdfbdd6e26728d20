// Interpreter speed: statements per second on a tight loop (target ≥ 5,000,000/s).
import { loadScenario } from '../src/machine/scenario';

const TIGHT = `
long sum = 0;
for (int i = 0; i < N; i++) {
    sum += i;
}
`;

function runOnce(n: number): { steps: number; ms: number } {
  const r = loadScenario(TIGHT.replace('N', String(n)), 'bench.heap');
  if (!r.ok) throw new Error('bench scenario does not compile');
  const it = r.scenario.interp;
  const t0 = performance.now();
  const reason = it.run(Number.MAX_SAFE_INTEGER);
  const ms = performance.now() - t0;
  if (reason !== 'exited' || it.exitStatus !== 0) throw new Error('bench scenario did not finish');
  return { steps: it.steps, ms };
}

export async function run(): Promise<Record<string, number>> {
  runOnce(200_000);   // warm up the JIT
  let best = 0;
  for (let i = 0; i < 3; i++) {
    const { steps, ms } = runOnce(2_000_000);
    best = Math.max(best, steps / (ms / 1000));
  }
  return { 'interp statements/s (tight loop)': Math.round(best) };
}
