// The emulator's side of "Compare with Your Machine": the scenario run in-process, each of the
// program's allocator and kernel calls reduced to the record the host prelude writes for the
// same call (records.ts). No Node and no vscode: it runs wherever the machine runs.
import type { RunEvent } from '../../machine/interp/events';
import type { Val } from '../../machine/interp/arith';
import { loadScenario, type Scenario } from '../../machine/scenario';
import { pageUp } from '../../machine/kernel/layout';
import { peekU64 } from '../../machine/memory/peek';
import type { CallRecord, Json, SideRun } from './records';
import { DEFAULT_MAX_STEPS, runInSlices, type SliceOptions } from '../run-slices';
import { RETURNS_CHUNK } from '../../lang/builtins';

const MAP_FNS = new Set(['mmap', 'mremap']);
const RC_FNS = new Set(['munmap', 'mprotect', 'madvise']);

// a JSON number, or a decimal string beyond 2^53 (the prelude's convention)
const jw = (v: bigint): Json => (v <= 2n ** 53n && v >= -(2n ** 53n) ? Number(v) : v.toString());
const num = (v: Val | null | undefined): number => (v === null || v === undefined ? 0 : typeof v === 'number' ? v : Number(BigInt.asIntN(64, v)));

export type EmulateOptions = SliceOptions;
export type EmulateResult = { ok: true; run: SideRun; heapBase: number } | { ok: false; errors: string[] };

// The run, started: its heap base is known before the first step.
export function startEmulation(text: string, file: string, opts: EmulateOptions = {}): { ok: true; heapBase: number; run: () => Promise<EmulateResult> } | { ok: false; errors: string[] } {
  const records: CallRecord[] = [];
  const run: SideRun = { records, status: 0 };
  let sc: Scenario | null = null;
  const sink = (e: RunEvent): void => { if (sc) onEvent(sc, e, run); };
  const loaded = loadScenario(text, file, {}, sink);
  if (!loaded.ok) return { ok: false, errors: loaded.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.loc.line}:${d.loc.col}: ${d.message}`) };
  const s = sc = loaded.scenario;
  const heapBase = s.proc.layout.heapBase;
  return { ok: true, heapBase, run: () => runToEnd(s, run, heapBase, opts) };
}

export async function emulate(text: string, file: string, opts: EmulateOptions = {}): Promise<EmulateResult> {
  const started = startEmulation(text, file, opts);
  return started.ok ? started.run() : started;
}

async function runToEnd(sc: Scenario, run: SideRun, heapBase: number, opts: EmulateOptions): Promise<EmulateResult> {
  const end = await runInSlices(sc, opts);
  if (end === 'limit') { run.note = `the emulator stopped after ${opts.maxSteps ?? DEFAULT_MAX_STEPS} steps`; run.status = 124; return { ok: true, run, heapBase }; }
  if (end === 'cancelled') { run.note = 'cancelled'; return { ok: true, run, heapBase }; }
  run.status = sc.interp.exitStatus;   // 128 + the signal's number when one ended it
  if (!run.signal) run.finalBrk = sc.proc.brkNow() - heapBase;
  return { ok: true, run, heapBase };
}

function onEvent(sc: Scenario, e: RunEvent, run: SideRun): void {
  const base = sc.proc.layout.heapBase;
  const brk = sc.proc.brkNow() - base;
  if (e.event === 'call') {
    if (e.by) return;   // the C library's own (stdio's buffer): not a call of the scenario
    run.records.push({ k: 'call', line: e.line, fn: e.fn, ...callFields(sc, e.fn, e.args, e.ret), brk });
  } else if (e.event === 'syscall') {
    if (e.by !== 'program') return;
    const ret = Number(e.ret);
    const failed = ret < 0 && ret > -4096;
    const line = e.line ?? 0;
    if (MAP_FNS.has(e.name)) run.records.push({ k: 'sys', line, fn: e.name, ...(failed ? { failed: true, errno: -ret } : { page_off: ret & 4095 }), brk });
    else if (RC_FNS.has(e.name)) run.records.push({ k: 'sys', line, fn: e.name, value: failed ? -1 : 0, ...(failed ? { errno: -ret } : {}), brk });
  } else if (e.event === 'assert') {
    run.assertFailed = { line: e.line, at: run.records.length };
  } else if (e.event === 'signal') {
    run.signal = e.signame;
    if (e.signame === 'SIGABRT' && e.check) run.abortMessage = e.message;
  }
}

function callFields(sc: Scenario, fn: string, args: Val[], ret: Val | null): Record<string, Json> {
  if (fn === 'free') return {};
  if (fn === 'posix_memalign') {
    const rc = num(ret);
    if (rc !== 0) return { rc, ptr: null };
    const p = peek(sc, num(args[0]));
    return { rc, ...(p === null ? {} : pointerFields(sc, Number(p))) };
  }
  if (RETURNS_CHUNK.has(fn)) {
    const p = num(ret);
    if (p === 0) return { ptr: null, errno: sc.glibc.errno };
    const out = pointerFields(sc, p);
    if (fn === 'realloc' || fn === 'reallocarray') out.moved = p !== num(args[0]);
    return out;
  }
  return { value: ret === null ? null : jw(BigInt(ret)) };
}

// The same classification and header reads as the prelude's hs_ptr_fields.
function pointerFields(sc: Scenario, p: number): Record<string, Json> {
  const L = sc.proc.layout, brk = sc.proc.brkNow();
  const imageEnd = pageUp(L.dataBase + sc.program.dataSize + sc.program.bssSize);
  const size = peek(sc, p - 8);
  const where = p >= L.heapBase && p < brk ? 'heap' : p >= L.textBase && p < imageEnd ? 'image' : size !== null && (size & 2n) ? 'mmap' : 'other';
  const out: Record<string, Json> = { where };
  if (where === 'heap') out.off = p - L.heapBase;
  if (size === null) return out;
  out.size = jw(size);
  const cs = size & ~7n;
  if (size & 2n) {
    const prev = peek(sc, p - 16);
    if (prev !== null) out.prev_size = jw(prev);
    out.usable = jw(cs - 16n);
    out.page_off = p % 4096;
  } else {
    const next = peek(sc, Number(BigInt(p - 16 + 8) + cs));
    if (next !== null) out.usable = jw(next & 1n ? cs - 8n : 0n);
  }
  return out;
}

// 8 bytes little-endian without side effects; a mapped page not yet touched reads as zeros
function peek(sc: Scenario, addr: number): bigint | null {
  if (!Number.isSafeInteger(addr) || addr < 0) return null;
  const v = peekU64(sc.proc.inspect, addr);
  if (v === null) return sc.proc.vmas().some((a) => a.read && addr >= a.vm_start && addr + 8 <= a.vm_end) ? 0n : null;
  return v;
}
