// The built-in functions of the scenario language (LANGUAGE.md's table), compiled to
// closures. Allocator calls go to the emulated glibc and report a `call` event; system calls
// go to the emulated kernel through the thin wrappers glibc has around them (errno,
// MAP_FAILED, sbrk's arithmetic).
import type { Expr } from '../../lang/ast';
import { MachineError, MachineSignal } from '../signals';
import { big, canonI64, canonU64, converter, type Val } from './arith';
import type { ExprCompiler } from './compile-expr';
import type { Closure } from './frame';
import type { Interpreter } from './interpreter';
import { ProgramExit } from './interpreter';
import { addrOf } from './memops';
import { formatPrintf, hexdump, readCString } from './printf';
import { memBuiltin } from './builtins-mem';
import { assertText } from '../../lang/source-text';
import { ALLOCATOR_ENTRIES } from '../../lang/builtins';

type Call = Expr & { kind: 'call' };


export function compileBuiltin(e: Call, X: ExprCompiler, it: Interpreter): Closure {
  const name = e.callee.kind === 'builtin' ? e.callee.name : '';
  const args = X.args(e.args);
  if (ALLOCATOR_ENTRIES.has(name)) return allocBuiltin(name, args, e, it);
  const k = kernelBuiltin(name, args, it);
  if (k) return k;
  const m = memBuiltin(name, args, e, it);
  if (m) return m;
  const io = ioBuiltin(name, args, e, it);
  if (io) return io;
  throw new MachineError(`${e.loc.file}:${e.loc.line}:${e.loc.col}: built-in '${name}' is not available`);
}

// --- glibc malloc -----------------------------------------------------------------------
function allocBuiltin(name: string, args: Closure[], e: Call, it: Interpreter): Closure {
  const g = it.glibc;
  const ptrBits = it.proc.config.arch === 'i386' ? 32 : 64;
  const asInt = converter({ size: 4, signed: true });
  const errnoAddr = it.program.globals.find((v) => v.name === 'errno')?.storage;
  const setErrno = (n: number): void => {
    if (errnoAddr?.kind === 'global') it.proc.mem.write32(errnoAddr.addr, n >>> 0);
  };
  const call = (fn: string, av: Val[], run: () => Val | null): Val => {
    g.errno = 0;
    let ret: Val | null;
    try { ret = run(); } catch (x) {
      if (x instanceof MachineSignal && x.check && !x.entry) x.entry = fn;
      throw x;
    }
    if (g.errno) setErrno(g.errno);
    it.emit({ event: 'call', step: it.steps, line: e.loc.line, fn, args: av, ret, why: [...g.why] });
    return ret ?? 0;
  };
  const p = (v: Val): number => (v === 0 || v === 0n ? 0 : addrOf(v));
  const ptrVal = (n: number): Val => (n < 0 ? canonU64(BigInt.asUintN(ptrBits, BigInt(n))) : n);
  switch (name) {
    case 'malloc': return (f) => { const n = args[0](f); return call(name, [n], () => ptrVal(g.malloc(n))); };
    case 'free': return (f) => { const a = args[0](f); call(name, [a], () => { g.free(p(a)); return null; }); return 0; };
    case 'calloc': return (f) => { const n = args[0](f), s = args[1](f); return call(name, [n, s], () => ptrVal(g.calloc(n, s))); };
    case 'realloc': return (f) => { const a = args[0](f), n = args[1](f); return call(name, [a, n], () => ptrVal(g.realloc(p(a), n))); };
    case 'reallocarray': return (f) => { const a = args[0](f), n = args[1](f), s = args[2](f); return call(name, [a, n, s], () => ptrVal(g.reallocarray(p(a), n, s))); };
    case 'memalign': return (f) => { const al = args[0](f), n = args[1](f); return call(name, [al, n], () => ptrVal(g.memalign(al, n))); };
    case 'aligned_alloc': return (f) => { const al = args[0](f), n = args[1](f); return call(name, [al, n], () => ptrVal(g.aligned_alloc(al, n))); };
    case 'valloc': return (f) => { const n = args[0](f); return call(name, [n], () => ptrVal(g.valloc(n))); };
    case 'pvalloc': return (f) => { const n = args[0](f); return call(name, [n], () => ptrVal(g.pvalloc(n))); };
    case 'posix_memalign': return (f) => {
      const pp = args[0](f), al = args[1](f), n = args[2](f);
      return call(name, [pp, al, n], () => g.posix_memalign(addrOf(pp), al, n));
    };
    case 'malloc_usable_size': return (f) => { const a = args[0](f); return call(name, [a], () => g.malloc_usable_size(p(a))); };
    case 'malloc_trim': return (f) => { const pad = args[0](f); return call(name, [pad], () => g.malloc_trim(pad)); };
    case 'mallopt': return (f) => { const a = asInt(args[0](f)) as number, b = asInt(args[1](f)) as number; return call(name, [a, b], () => g.mallopt(a, b)); };
  }
  throw new MachineError(`built-in '${name}' is not available`);
}

// --- the kernel, through glibc's syscall wrappers --------------------------------------
function kernelBuiltin(name: string, args: Closure[], it: Interpreter): Closure | null {
  const sys = it.proc.sys;
  const ptrBits = it.proc.config.arch === 'i386' ? 32 : 64;
  const MAP_FAILED: Val = ptrBits === 64 ? canonU64(-1n) : 0xffffffff;
  const errnoDecl = it.program.globals.find((v) => v.name === 'errno')?.storage;
  const setErrno = (n: number): void => { if (errnoDecl?.kind === 'global') it.proc.mem.write32(errnoDecl.addr, n >>> 0); };
  // Lengths beyond the address space cannot be mapped; the kernel refuses them with ENOMEM.
  const len = (v: Val): number | bigint => (typeof v === 'number' ? v : v);
  const addr = (v: Val): number => (typeof v === 'number' ? v : -1);
  const ret0 = (r: number): Val => { if (r < 0) { setErrno(-r); return -1; } return 0; };
  const retPtr = (r: number): Val => { if (r < 0 && r > -4096) { setErrno(-r); return MAP_FAILED; } return r; };
  const signed = (v: Val): bigint => (ptrBits === 64 ? BigInt.asIntN(64, big(v)) : BigInt.asIntN(32, big(v)));
  switch (name) {
    // glibc's wrappers, which keep __curbrk (malloc's sbrk reads it too)
    case 'brk': return (f) => {
      const want = addr(args[0](f));
      if (want < 0) { setErrno(12); return -1; }
      const r = it.glibc.brk(want);
      if (r < 0) setErrno(12);
      return r;
    };
    case 'sbrk': return (f) => {
      const r = it.glibc.sbrk(signed(args[0](f)));
      if (r < 0) { setErrno(12); return MAP_FAILED; }
      return r;
    };
    case 'mmap': return (f) => {
      const a = addr(args[0](f)), l = len(args[1](f));
      const prot = Number(args[2](f)), flags = Number(args[3](f)), fd = Number(args[4](f)), off = Number(args[5](f));
      return retPtr(sys.mmap(a < 0 ? 0 : a, l, prot, flags, fd, off, 'program'));
    };
    case 'munmap': return (f) => ret0(sys.munmap(addr(args[0](f)), len(args[1](f)), 'program'));
    case 'mprotect': return (f) => ret0(sys.mprotect(addr(args[0](f)), len(args[1](f)), Number(args[2](f)), 'program'));
    case 'madvise': return (f) => ret0(sys.madvise(addr(args[0](f)), len(args[1](f)), Number(args[2](f)), 'program'));
    case 'open': return (f) => {
      const path = decode(readCString(it.proc.mem, addrOf(args[0](f))));
      const r = sys.open(path, Number(args[1](f)), args[2] ? Number(args[2](f)) : 0);
      return r < 0 ? ret0(r) : r;
    };
    case 'close': return (f) => ret0(sys.close(Number(args[0](f))));
    case 'fsync': return (f) => ret0(sys.fsync(Number(args[0](f))));
    case 'msync': return (f) => ret0(sys.msync(addr(args[0](f)), Number(len(args[1](f))), Number(args[2](f))));
    case '__read': case '__write': case 'lseek': return (f) => {
      const fd = Number(args[0](f)), b = args[1](f), n = args[2](f);
      const r = name === 'lseek' ? sys.lseek(fd, Number(signed(b)), Number(n))
        : (name === '__read' ? sys.read : sys.write)(fd, addrOf(b), typeof n === 'number' ? n : Number.MAX_SAFE_INTEGER);
      if (r < 0) { setErrno(-r); return -1; }
      return r;
    };
    case 'mremap': return (f) => {
      const a = addr(args[0](f)), ol = len(args[1](f)), nl = len(args[2](f));
      const flags = args[3] ? Number(args[3](f)) : 0, na = args[4] ? addr(args[4](f)) : 0;
      return retPtr(sys.mremap(a, ol, nl, flags, na, 'program'));
    };
  }
  return null;
}

// --- output, checks, process, introspection --------------------------------------------
function ioBuiltin(name: string, args: Closure[], e: Call, it: Interpreter): Closure | null {
  const mem = it.proc.mem;
  const ptrBits = it.proc.config.arch === 'i386' ? 32 : 64;
  switch (name) {
    case 'printf': return (f) => {
      const fmt = readCString(mem, addrOf(args[0](f)));
      const text = formatPrintf(mem, fmt, args.slice(1).map((a) => a(f)), ptrBits);
      it.output(text);
      return new TextEncoder().encode(text).length;
    };
    case 'puts': return (f) => { const s = readCString(mem, addrOf(args[0](f))); it.output(decode(s) + '\n'); return s.length + 1; };
    case 'putchar': return (f) => { const c = Number(BigInt.asUintN(8, big(args[0](f)))); it.output(String.fromCharCode(c)); return c; };
    case 'assert': return (f) => {
      const v = args[0](f);
      if (v !== 0 && v !== 0n) return 0;
      const text = assertText(it.sourceText(e.loc), e.loc.col);
      const fn = it.frame?.func.name ?? 'main';
      const message = `${e.loc.file}:${e.loc.line}: ${fn}: Assertion \`${text}' failed.`;
      it.emit({ event: 'assert', step: it.steps, line: e.loc.line, message });
      throw new ProgramExit(1);
    };
    case 'exit': return (f) => { throw new ProgramExit(Number(BigInt.asUintN(8, big(args[0](f))))); };
    case 'abort': return () => { throw new MachineSignal('SIGABRT', 'Aborted'); };
    case 'heap': return () => { it.output(it.glibc.heapText()); return 0; };
    case 'bins': return () => { it.output(it.glibc.binsText()); return 0; };
    case 'vis': return (f) => { it.output(it.glibc.visText(args[0] ? Number(args[0](f)) : undefined)); return 0; };
    case 'maps': return () => { it.output(it.proc.maps()); return 0; };
    case 'pagewalk': return (f) => { const a = args[0](f); it.output(it.proc.pagewalkText(typeof a === 'number' ? a : Number(BigInt.asUintN(53, a)))); return 0; };
    case 'meminfo': return () => { it.output(it.proc.meminfo()); return 0; };
    case 'vmstat': return () => { it.output(it.proc.vmstat()); return 0; };
    case 'vmevent': return (f) => it.proc.vmEvent(decode(readCString(mem, addrOf(args[0](f)))));
    case 'rss': return () => it.proc.counters().rss;
    case 'vsz': return () => it.proc.counters().vsz;
    case 'minflt': return () => it.proc.counters().minflt;
    case 'majflt': return () => it.proc.counters().majflt;
    case 'brk_now': return () => it.proc.brkNow();
    case 'syscalls': return () => it.proc.counters().syscalls;
    case 'tlb_misses': return () => it.proc.counters().tlbMisses;
    case 'malloc_stats': return () => { it.output(it.glibc.malloc_stats()); return 0; };
    case 'read': return (f) => {
      const a = addrOf(args[0](f)); const n = Number(args[1](f));
      if (n <= 0) return 0;
      it.output(hexdump(mem, a, Math.min(n, 1 << 16)));
      return mem.read8(a);
    };
    case 'write': {
      const lit = stringLiteral(e.args[1]);
      if (e.args.length === 2) return (f) => {
        const a = addrOf(args[0](f));
        const bytes = lit ?? readCString(mem, addrOf(args[1](f)));
        mem.writeBytes(a, bytes);
        return bytes.length;
      };
      return (f) => {
        const a = addrOf(args[0](f)); const v = args[1](f); const w = Number(args[2](f));
        const b = BigInt.asUintN(64, big(v));
        for (let i = 0; i < w; i++) mem.write8(a + i, Number((b >> BigInt(8 * i)) & 0xffn));
        return w;
      };
    }
  }
  return null;
}

function stringLiteral(e: Expr | undefined): Uint8Array | null {
  while (e && (e.kind === 'cast' || e.kind === 'decay')) e = e.kind === 'cast' ? e.operand : e.array;
  if (e && e.kind === 'str') { const b = e.bytes; return b.length && b[b.length - 1] === 0 ? b.subarray(0, b.length - 1) : b; }
  return null;
}

function decode(b: Uint8Array): string {
  try { return new TextDecoder('utf-8', { fatal: true }).decode(b); } catch { return String.fromCharCode(...b); }
}


export { canonI64 };
