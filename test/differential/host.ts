// The real glibc: builds the C harness, finds the symbol offsets it needs in the debug
// symbols of the libc it runs under, and runs traces on it (each in its own process, so a
// glibc abort is caught with its message).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const BUILD = 'test/differential/build';
export const HARNESS = join(BUILD, 'harness');

export interface LibcTarget {
  name: string;           // '2.36 (host)'
  loader?: string;        // ld.so to run under (another version's), else the host's
  libDir?: string;
  libc: string;           // path of libc.so.6
  debug: string;          // its debug file (symbols of main_arena, mp_, ...)
  safeLinking: boolean;
}

export const CACHE = process.env.HEAPSTEP_CACHE ?? join(homedir(), '.cache', 'heapstep');
export const SUITES: Record<string, string> = { bullseye: '2.31', bookworm: '2.36', trixie: '2.41', sid: '2.43' };

// Built against the oldest sysroot when the glibc versions are here (so the same binary runs
// under 2.31 to 2.43 with each one's loader), else against the host's headers.
export function buildHarness(): void {
  mkdirSync(BUILD, { recursive: true });
  const src = 'test/differential/harness.c';
  if (existsSync(HARNESS) && statSync(HARNESS).mtimeMs > statSync(src).mtimeMs) return;
  const oldest = join(CACHE, 'glibc', 'bullseye');
  // (the sysroot has glibc's headers but not the kernel's: linux/ and asm/ come from the host)
  const sysroot = existsSync(join(oldest, '.done')) ? ['--sysroot=' + oldest, '-B' + join(oldest, 'usr/lib/x86_64-linux-gnu') + '/', '-idirafter', '/usr/include', '-idirafter', '/usr/include/x86_64-linux-gnu'] : [];
  execFileSync('gcc', [...sysroot, '-O1', '-Wall', '-Wno-unused-result', '-Wno-misleading-indentation', '-Wno-unused-function', '-o', HARNESS, src]);
}

// One of the fetched glibc versions (test/differential/sysroots.sh), run under its own loader.
export function sysrootTarget(suite: string): LibcTarget | null {
  const dir = join(CACHE, 'glibc', suite);
  if (!existsSync(join(dir, '.done'))) return null;
  const libDir = join(dir, 'lib/x86_64-linux-gnu');
  const libc = join(libDir, 'libc.so.6');
  return { name: `${SUITES[suite]} (${suite}, ${readFileSync(join(dir, '.version'), 'utf8').trim()})`, loader: join(dir, 'lib64/ld-linux-x86-64.so.2'),
    libDir, libc, debug: findDebugFile(libc, join(dir, 'usr/lib/debug/.build-id')), safeLinking: suite !== 'bullseye' };
}

// The glibc the fidelity test compares with: bookworm's 2.36 fetched from the mirror; the
// host's own 2.36 only where the mirror cannot be reached, and never in CI.
export function referenceTarget(): LibcTarget {
  const t = sysrootTarget('bookworm');
  if (t) return t;
  if (process.env.CI === 'true') throw new Error('bookworm\'s glibc 2.36 is not in the cache: test/differential/sysroots.sh must run first (test/setup.sh does)');
  return hostTarget();
}

function findDebugFile(libc: string, root0 = '/usr/lib/debug/.build-id'): string {
  const out = execFileSync('readelf', ['-n', libc], { encoding: 'utf8' });
  const id = /Build ID: ([0-9a-f]+)/.exec(out)?.[1];
  if (!id) throw new Error(`no build id in ${libc}`);
  for (const root of [root0]) {
    const f = join(root, id.slice(0, 2), id.slice(2) + '.debug');
    if (existsSync(f)) return f;
  }
  throw new Error(`no debug symbols for ${libc} (build id ${id}): install libc6-dbg`);
}

export function hostTarget(): LibcTarget {
  const libc = '/lib/x86_64-linux-gnu/libc.so.6';
  return { name: '2.36 (host)', libc, debug: findDebugFile(libc), safeLinking: true };
}

const symCache = new Map<string, string[]>();
export function offsets(t: LibcTarget): string[] {
  const key = t.libc + t.debug;
  const have = symCache.get(key);
  if (have) return have;
  const dyn = execFileSync('nm', ['-D', '--defined-only', t.libc], { encoding: 'utf8' });
  const mallocOff = /^([0-9a-f]+) [TW] malloc@@/m.exec(dyn)?.[1];
  const syms = execFileSync('nm', [t.debug], { encoding: 'utf8' });
  const sym = (n: string) => {
    const m = new RegExp(`^([0-9a-f]+) [bBdD] ${n}$`, 'm').exec(syms);
    if (!m) throw new Error(`symbol ${n} not found in ${t.debug}`);
    return '0x' + m[1];
  };
  // (2.31's flag has another name and meaning; the harness then calls mallinfo2 as it is)
  const optional = (n: string) => { try { return sym(n); } catch { return '0'; } };
  if (!mallocOff) throw new Error(`malloc not found in ${t.libc}`);
  const tls = /^([0-9a-f]+) [bB] tcache$/m.exec(syms)?.[1];
  if (!tls) throw new Error(`thread-local 'tcache' not found in ${t.debug}`);
  const r = ['0x' + mallocOff, sym('main_arena'), sym('mp_'), optional('global_max_fast'), optional('perturb_byte'), t.safeLinking ? '1' : '0', '0x' + tls, optional('__malloc_initialized'), structLayout(t.debug)];
  symCache.set(key, r);
  return r;
}

export interface RunResult { lines: Record<string, unknown>[]; signal?: { message: string; step: number }; status: number | null; stderr: string }

function run(cmd: string, args: string[], env: Record<string, string>): Promise<{ stdout: string; stderr: string; status: number | null; sig: string | null }> {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [], err: Buffer[] = [];
    c.stdout.on('data', (d) => out.push(d));
    c.stderr.on('data', (d) => err.push(d));
    c.on('error', reject);
    c.on('close', (status, sig) => resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), status, sig }));
  });
}

export async function runHost(t: LibcTarget, traceFile: string): Promise<RunResult> {
  const args = [traceFile, ...offsets(t)];
  const env: Record<string, string> = { LIBC_FATAL_STDERR_: '1' };
  const r = t.loader ? await run(t.loader, ['--library-path', t.libDir!, HARNESS, ...args], env) : await run(HARNESS, args, env);
  const lines = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const res: RunResult = { lines, status: r.status, stderr: r.stderr };
  if (r.sig === 'SIGABRT' || r.status === 134) {
    const msg = r.stderr.split('\n').filter(Boolean).pop() ?? '';
    res.signal = { message: msg, step: lines.length };
  }
  return res;
}

export function listFiles(dir: string, ext: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(ext)).map((f) => join(dir, f)) : [];
}

// malloc_state, malloc_par and tcache_perthread_struct as this version lays them out, from its
// debug info (gdb's `ptype /o`), in the order harness.c expects; -1 for a field it lacks.
export function structLayout(debug: string): string {
  const out = execFileSync('gdb', ['-batch', '-nx', '-ex', 'ptype /o struct malloc_state', '-ex', 'ptype /o struct malloc_par',
    '-ex', 'ptype /o struct tcache_perthread_struct', debug], { encoding: 'utf8' });
  const structs: Record<string, Record<string, { off: number; size: number }>> = {};
  let cur = '';
  for (const line of out.split('\n')) {
    const head = /type = struct (\w+) \{/.exec(line);
    if (head) { cur = head[1]; structs[cur] = {}; continue; }
    const f = /^\/\*\s+(\d+)\s+\|\s+(\d+) \*\/\s+.*?\**(\w+)(\[\d+\])?;$/.exec(line);
    if (f && cur) structs[cur][f[3]] = { off: Number(f[1]), size: Number(f[2]) };
  }
  const a = structs.malloc_state, m = structs.malloc_par, tc = structs.tcache_perthread_struct;
  if (!a || !m || !tc) throw new Error(`no malloc structs in the debug info of ${debug}`);
  const o = (st: Record<string, { off: number }>, ...names: string[]) => { for (const n of names) if (st[n]) return st[n].off; return -1; };
  const counts = tc.counts ?? tc.num_slots;
  return [
    o(a, 'flags'), o(a, 'have_fastchunks'), o(a, 'fastbinsY'), o(a, 'top'), o(a, 'last_remainder'), o(a, 'bins'), o(a, 'binmap'),
    o(a, 'system_mem'), o(a, 'max_system_mem'),
    o(m, 'trim_threshold'), o(m, 'top_pad'), o(m, 'mmap_threshold'), o(m, 'arena_test'), o(m, 'arena_max'), o(m, 'n_mmaps'),
    o(m, 'n_mmaps_max'), o(m, 'max_n_mmaps'), o(m, 'no_dyn_threshold'), o(m, 'mmapped_mem'), o(m, 'max_mmapped_mem'), o(m, 'sbrk_base'),
    o(m, 'tcache_bins', 'tcache_small_bins'), o(m, 'tcache_max_bytes'), o(m, 'tcache_count'), o(m, 'tcache_unsorted_limit'),
    counts ? counts.size / 2 : 64, o(tc, 'entries'),
  ].join(',');
}
