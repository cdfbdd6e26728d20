// The real glibc: builds the C harness, finds the symbol offsets it needs in the debug
// symbols of the libc it runs under, and runs traces on it (each in its own process, so a
// glibc abort is caught with its message).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
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

export function buildHarness(): void {
  mkdirSync(BUILD, { recursive: true });
  const src = 'test/differential/harness.c';
  if (existsSync(HARNESS) && statSync(HARNESS).mtimeMs > statSync(src).mtimeMs) return;
  execFileSync('gcc', ['-O1', '-Wall', '-Wno-unused-result', '-Wno-misleading-indentation', '-Wno-unused-function', '-o', HARNESS, src]);
}

function findDebugFile(libc: string): string {
  const out = execFileSync('readelf', ['-n', libc], { encoding: 'utf8' });
  const id = /Build ID: ([0-9a-f]+)/.exec(out)?.[1];
  if (!id) throw new Error(`no build id in ${libc}`);
  for (const root of ['/usr/lib/debug/.build-id']) {
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
  if (!mallocOff) throw new Error(`malloc not found in ${t.libc}`);
  const tls = /^([0-9a-f]+) [bB] tcache$/m.exec(syms)?.[1];
  if (!tls) throw new Error(`thread-local 'tcache' not found in ${t.debug}`);
  const r = ['0x' + mallocOff, sym('main_arena'), sym('mp_'), sym('global_max_fast'), sym('perturb_byte'), t.safeLinking ? '1' : '0', '0x' + tls, sym('__malloc_initialized')];
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
  const env = { LIBC_FATAL_STDERR_: '1' };
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
