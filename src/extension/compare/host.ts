// The host's side of "Compare with Your Machine": the translated scenario built with the host's
// gcc in a temporary directory and run on the host's glibc, its records read from fd 3. Node
// only (child_process): the desktop extension loads it through ../core, the web build never.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRELUDE_HEADER } from '../../lang/to-c';
import type { CallRecord, SideRun } from './records';

export interface HostOptions {
  header: string;                  // path of resources/compare/heapstep-host.h
  gcc?: string;                    // default: gcc
  timeoutMs?: number;              // the run's time limit (default 10 s; the build has 60 s)
  maxRecordBytes?: number;         // cap on the records (default 16 MiB)
  maxOutputBytes?: number;         // cap on the program's stdout and stderr (default 1 MiB each)
  keepDir?: boolean;
  heapBase?: number;               // the emulator's heap base: the host's heap gets its low 26 bits
}

export type HostResult =
  | { ok: true; run: SideRun; glibc: string; heapLow: boolean; stdout: string; stderr: string; dir?: string }
  | { ok: false; kind: 'no-compiler' | 'build-failed' | 'run-failed'; message: string };

interface Exec { code: number | null; signal: NodeJS.Signals | null; out: Buffer[]; error?: NodeJS.ErrnoException; timedOut: boolean; capped: boolean }

function exec(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; argv0?: string; timeoutMs: number; caps: number[]; fds: number }): Promise<Exec> {
  return new Promise((resolve) => {
    const stdio: ('ignore' | 'pipe')[] = ['ignore'];
    for (let i = 1; i < opts.fds; i++) stdio.push('pipe');
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, argv0: opts.argv0, stdio });
    const out: Buffer[][] = stdio.map(() => []), sizes = stdio.map(() => 0);
    const r: Exec = { code: null, signal: null, out: [], timedOut: false, capped: false };
    const timer = setTimeout(() => { r.timedOut = true; child.kill('SIGKILL'); }, opts.timeoutMs);
    for (let i = 1; i < opts.fds; i++) {
      (child.stdio[i] as NodeJS.ReadableStream | null)?.on('data', (d: Buffer) => {
        if (sizes[i] >= opts.caps[i - 1]) return;
        sizes[i] += d.length;
        out[i].push(d);
        if (sizes[i] >= opts.caps[i - 1]) { r.capped = true; child.kill('SIGKILL'); }
      });
    }
    child.on('error', (e: NodeJS.ErrnoException) => { r.error = e; });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      r.code = code; r.signal = signal;
      r.out = out.map((b) => Buffer.concat(b));
      resolve(r);
    });
  });
}

// glibc's allocator reads these from the environment; the comparison is with its defaults
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(MALLOC_|GLIBC_TUNABLES$|LD_PRELOAD$|LD_LIBRARY_PATH$)/.test(k)) env[k] = v;
  env.LIBC_FATAL_STDERR_ = '1';   // glibc's abort message on stderr, not the terminal
  return env;
}

export async function runOnHost(c: string, opts: HostOptions): Promise<HostResult> {
  const dir = mkdtempSync(join(tmpdir(), 'heapstep-compare-'));
  try {
    writeFileSync(join(dir, 'scenario.c'), c);
    copyFileSync(opts.header, join(dir, PRELUDE_HEADER));
    const gcc = opts.gcc ?? 'gcc';
    const build = await exec(gcc, ['-O0', '-w', '-std=gnu11', ...(opts.heapBase !== undefined ? [`-DHEAPSTEP_HEAP_BASE_LOW=0x${(opts.heapBase % 2 ** 26).toString(16)}UL`] : []), '-o', 'scenario', 'scenario.c'], { cwd: dir, timeoutMs: 60_000, caps: [1 << 20, 1 << 20], fds: 3 });
    if (build.error?.code === 'ENOENT') return { ok: false, kind: 'no-compiler', message: `'${gcc}' was not found: install gcc (e.g. apt install gcc) to compare with this machine` };
    if (build.error || build.code !== 0) return { ok: false, kind: 'build-failed', message: `gcc could not build the translated scenario:\n${build.out[2]?.toString('utf8') ?? build.error?.message ?? ''}` };
    const timeoutMs = opts.timeoutMs ?? 10_000;
    const outCap = opts.maxOutputBytes ?? 1 << 20;
    const r = await exec(join(dir, 'scenario'), [], { cwd: dir, env: cleanEnv(), argv0: './scenario', timeoutMs, caps: [outCap, outCap, opts.maxRecordBytes ?? 16 << 20], fds: 4 });
    if (r.error) return { ok: false, kind: 'run-failed', message: `the built scenario did not start: ${r.error.message}` };
    const stdout = r.out[1].toString('utf8'), stderr = r.out[2].toString('utf8');
    const lines = r.out[3].toString('utf8').split('\n');
    const records: CallRecord[] = [];
    let glibc = '?', heapLow = false, finalBrk: number | undefined;
    for (const [i, l] of lines.entries()) {
      if (!l) continue;
      let rec: CallRecord;
      try { rec = JSON.parse(l); } catch { if (i === lines.length - 1) break; throw new Error(`unreadable record from the host run: ${l.slice(0, 200)}`); }
      if ((rec.k as string) === 'start') { glibc = String(rec.glibc); heapLow = rec.heap_low === true; continue; }
      if ((rec.k as string) === 'final') { finalBrk = Number(rec.brk); continue; }
      records.push(rec);
    }
    const run: SideRun = { records, status: r.code ?? 128 + (r.signal ? constants.signals[r.signal] : 0), ...(finalBrk !== undefined ? { finalBrk } : {}) };
    if (r.signal && !r.timedOut && !r.capped) run.signal = r.signal;
    if (r.timedOut) run.note = `the host run was stopped after ${timeoutMs / 1000} s`;
    else if (r.capped) run.note = 'the host run was stopped: its output passed the cap';
    if (r.signal === 'SIGABRT') {
      // glibc's fatal message is the last line it wrote to stderr
      const m = stderr.trim().split('\n').pop()?.trim();
      if (m) run.abortMessage = m;
    }
    const failed = records.findIndex((x) => x.k === 'assert' && x.ok === false);
    if (failed >= 0) run.assertFailed = { line: records[failed].line, at: records.slice(0, failed).filter((x) => x.k !== 'assert').length };
    return { ok: true, run, glibc, heapLow, stdout, stderr, ...(opts.keepDir ? { dir } : {}) };
  } finally {
    if (!opts.keepDir) rmSync(dir, { recursive: true, force: true });
  }
}
