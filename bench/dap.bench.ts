// The debug session under load, driven through its DAP message stream (bench/dap-client.ts):
// - after a step with 10,000 live chunks, stackTrace + scopes + variables (p95; target < 20 ms);
// - continue through 1,000,000 statements with breakpoints elsewhere (target < 2 s);
// - step back at step 1,000,000 (target < 100 ms);
// - host memory held by the step-back snapshots at 1,000,000 steps.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { loadScenario } from '../src/machine/scenario';
import { InProcessClient } from './dap-client';

const LIVE = `int main(void) {
    char *ptrs[10000];
    for (int i = 0; i < 10000; i++) ptrs[i] = malloc(16 + (i % 64) * 8);
    long x = 0;                                  // #STOP
    for (;;) {
        x = x + 1;
        ptrs[x % 10000][0] = 'a';
    }
    return 0;
}
`;

// A loop that keeps 1,000 chunks alive and replaces one per iteration, ITER times.
const LONG = `void never(void) {
    puts("not reached");                         // #ELSEWHERE
    puts("not reached either");
}

int main(void) {
    char *slots[1000];
    for (int i = 0; i < 1000; i++) slots[i] = malloc(32);
    for (long i = 0; i < ITER; i++) {
        long k = i % 1000;
        free(slots[k]);
        slots[k] = malloc(16 + (i % 50) * 16);
    }
    long done = 1;                               // #END
    done = done + 1;
    return 0;
}
`;

const line = (text: string, mark: string): number => text.split('\n').findIndex((l) => l.includes(mark)) + 1;
const p95 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];
const round = (x: number, d = 1): number => Number(x.toFixed(d));
// CPU time of this process (the adapter runs in it): on a shared machine the wall clock also
// counts the time other processes had the cores, so both are reported.
const cpuMs = (since: NodeJS.CpuUsage): number => { const u = process.cpuUsage(since); return (u.user + u.system) / 1000; };

async function roundTrip(): Promise<Record<string, number>> {
  const c = new InProcessClient({ '/bench/live.heap': LIVE });
  try {
    const stop = line(LIVE, '#STOP');
    await c.launch('/bench/live.heap', [stop]);
    let hit = c.next('stopped');
    await c.request('continue', { threadId: 1 });
    await hit;
    const times: number[] = [], all: number[] = [], cpu: number[] = [];
    for (let i = 0; i < 60; i++) {
      const stopped = c.next('stopped');
      await c.request('next', { threadId: 1 });
      await stopped;
      const t0 = performance.now(), c0 = process.cpuUsage();
      const st = await c.request<DebugProtocol.StackTraceResponse>('stackTrace', { threadId: 1, startFrame: 0, levels: 20 });
      const sc = await c.request<DebugProtocol.ScopesResponse>('scopes', { frameId: st.body.stackFrames[0].id });
      // what VS Code fetches at a stop: the scopes that are not marked expensive
      for (const s of sc.body.scopes) if (!s.expensive) await c.request('variables', { variablesReference: s.variablesReference });
      const t1 = performance.now(), c1 = cpuMs(c0);
      // and with every scope expanded (the walks of the heap, the bins and the mappings too)
      for (const s of sc.body.scopes) if (s.expensive) await c.request('variables', { variablesReference: s.variablesReference, start: 0, count: 100 });
      const t2 = performance.now();
      if (i >= 10) { times.push(t1 - t0); all.push(t2 - t0); cpu.push(c1); }   // the first ones warm the JIT
    }
    return {
      'DAP stackTrace+scopes+variables after a step, 10,000 live chunks: p95 ms': round(p95(times), 2),
      '  (round trip: CPU ms, p95)': round(p95(cpu), 2),
      '  the same with the expensive scopes expanded too: p95 ms': round(p95(all), 2),
    };
  } finally { c.close(); }
}

// Iterations of LONG's loop for the breakpoint at #END to come at about step 1,000,000.
function calibrate(): number {
  const probe = (iter: number): number => {
    const r = loadScenario(LONG.replace('ITER', String(iter)), 'probe.heap');
    if (!r.ok) throw new Error('bench scenario does not compile');
    const it = r.scenario.interp;
    it.glibc.explain = false;
    it.run(Number.MAX_SAFE_INTEGER);
    return it.steps;
  };
  const a = probe(1000), b = probe(2000);
  return Math.round(1000 + (1_000_000 - a) / ((b - a) / 1000));
}

function snapshotBytes(c: InProcessClient): number {
  const snaps = (c.session.runtime as unknown as { snapshots: { proc: { phys: { chunks: (Uint8Array | undefined)[]; frames?: unknown } } }[] }).snapshots;
  const seen = new Set<ArrayBufferLike>();
  let n = 0;
  const visit = (o: unknown, depth: number): void => {
    if (!o || typeof o !== 'object' || depth > 4) return;
    if (ArrayBuffer.isView(o)) { if (!seen.has(o.buffer)) { seen.add(o.buffer); n += o.buffer.byteLength; } return; }
    if (Array.isArray(o)) { for (const x of o) visit(x, depth + 1); return; }
    if (o instanceof Map) { for (const x of o.values()) visit(x, depth + 1); return; }
    for (const x of Object.values(o)) visit(x, depth + 1);
  };
  for (const s of snaps) visit(s.proc, 0);
  return n;
}

async function longRun(): Promise<Record<string, number>> {
  const iter = calibrate();
  const text = LONG.replace('ITER', String(iter));
  const c = new InProcessClient({ '/bench/long.heap': text });
  try {
    const end = line(text, '#END');
    await c.launch('/bench/long.heap', [line(text, '#ELSEWHERE'), line(text, '#ELSEWHERE') + 1, end]);
    const hit = c.next<DebugProtocol.StoppedEvent>('stopped');
    const t0 = performance.now(), c0 = process.cpuUsage();
    await c.request('continue', { threadId: 1 });
    const e = await hit;
    const cont = performance.now() - t0, contCpu = cpuMs(c0);
    if (e.body.reason !== 'breakpoint') throw new Error(`stopped for ${e.body.reason}`);
    const steps = c.session.runtime.scenario!.interp.steps;
    const mem = snapshotBytes(c);
    const backs: number[] = [], backsCpu: number[] = [];
    for (let i = 0; i < 5; i++) {
      const stopped = c.next('stopped');
      const t1 = performance.now(), c1 = process.cpuUsage();
      await c.request('stepBack', { threadId: 1 });
      await stopped;
      backs.push(performance.now() - t1);
      backsCpu.push(cpuMs(c1));
      if (process.env.BENCH_VERBOSE) console.error('step back', backs[i].toFixed(1), backsCpu[i].toFixed(1));
    }
    return {
      'DAP continue through 1,000,000 statements, breakpoints elsewhere: ms': Math.round(cont),
      '  (continue: CPU ms)': Math.round(contCpu),
      '  (statements run before the breakpoint)': steps,
      'DAP step back at step 1,000,000: first, ms': round(backs[0]),
      'DAP step back at step 1,000,000: slowest of 5, ms': round(Math.max(...backs)),
      '  (step back, slowest: CPU ms)': round(Math.max(...backsCpu)),
      'DAP snapshot memory at 1,000,000 steps: MB': round(mem / 2 ** 20, 2),
    };
  } finally { c.close(); }
}

export async function run(): Promise<Record<string, number>> {
  return { ...(await roundTrip()), ...(await longRun()) };
}
