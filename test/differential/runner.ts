// One trace through both sides, compared.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareRuns, type Mismatch } from './compare';
import { runEmulator } from './emulator';
import { runHost, type LibcTarget } from './host';
import { serialise, toHeap, type Op } from './trace';

// half of the traces run with the allocator's narration (its general path), half without (its
// fast entry path); which half is fixed by the trace's name
export function narrates(name: string): boolean {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
  return (h & 1) === 0;
}

export interface TraceOutcome { name: string; steps: number; mismatch: Mismatch | null; op?: string; dir?: string; hostSignal?: string; emuSignal?: string }

export async function checkTrace(name: string, ops: Op[], target: LibcTarget, keep = false): Promise<TraceOutcome> {
  const dir = mkdtempSync(join(tmpdir(), 'heapstep-diff-'));
  const traceFile = join(dir, 'trace.txt'), heapFile = join(dir, `${name.replace(/[^A-Za-z0-9_.-]+/g, '_')}.heap`);
  writeFileSync(traceFile, serialise(ops));
  writeFileSync(heapFile, toHeap(ops, name));
  const [host, emu] = await Promise.all([runHost(target, traceFile), runEmulator(heapFile, narrates(name))]);
  const mismatch = compareRuns(emu, host);
  const events = ops.filter((o) => o.op !== 'write');
  const out: TraceOutcome = { name, steps: host.lines.length, mismatch, hostSignal: host.signal?.message, emuSignal: emu.signal?.message };
  if (mismatch) {
    out.op = mismatch.step >= 0 && mismatch.step < events.length ? JSON.stringify(events[mismatch.step], (_k, v) => (typeof v === 'bigint' ? v.toString() : v)) : undefined;
    if (emu.stderr) out.op = `${out.op ?? ''} (emulator stderr: ${emu.stderr.slice(0, 300)})`;
    out.dir = dir;
  } else if (!keep) rmSync(dir, { recursive: true, force: true });
  return out;
}

export async function pool<T, R>(items: T[], width: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) { const k = next++; out[k] = await fn(items[k]); }
  }));
  return out;
}
