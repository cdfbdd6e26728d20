// <string.h> functions, working byte by byte on emulated memory: they fault where the real
// ones would (and only there), and they overflow buffers exactly as far as the real ones do.
import type { Expr } from '../../lang/ast';
import { big, type Val } from './arith';
import type { Closure } from './frame';
import type { Interpreter } from './interpreter';
import { addrOf } from './memops';
import { readCString } from './printf';

const CHUNK = 1 << 16;

function count(v: Val): number {
  // a length beyond what any mapping can hold faults long before it ends
  return typeof v === 'number' ? v : Number.MAX_SAFE_INTEGER;
}

export function memBuiltin(name: string, args: Closure[], _e: Expr, it: Interpreter): Closure | null {
  const mem = it.proc.mem;
  const copy = (d: number, s: number, n: number): void => {
    // memmove semantics are a superset of memcpy's; the bytes written are the same for
    // non-overlapping buffers, which is all memcpy promises.
    for (let off = 0; off < n; off += CHUNK) {
      const k = Math.min(CHUNK, n - off);
      const buf = mem.readBytes(s + off, k);
      mem.writeBytes(d + off, buf);
    }
  };
  switch (name) {
    case 'memset': return (f) => {
      const d = args[0](f), c = Number(BigInt.asUintN(8, big(args[1](f)))), n = count(args[2](f));
      if (n > 0) mem.fill(addrOf(d), c, n);
      return d;
    };
    case 'memcpy': case 'memmove': return (f) => {
      const d = args[0](f), s = args[1](f), n = count(args[2](f));
      if (n > 0) {
        if (name === 'memmove' && addrOf(d) > addrOf(s) && addrOf(d) < addrOf(s) + n) {
          const buf = mem.readBytes(addrOf(s), n); mem.writeBytes(addrOf(d), buf);
        } else copy(addrOf(d), addrOf(s), n);
      }
      return d;
    };
    case 'memcmp': return (f) => {
      const a = addrOf(args[0](f)), b = addrOf(args[1](f)), n = count(args[2](f));
      for (let i = 0; i < n; i++) {
        const x = mem.read8(a + i), y = mem.read8(b + i);
        if (x !== y) return x - y;
      }
      return 0;
    };
    case 'strlen': return (f) => readCString(mem, addrOf(args[0](f)), Number.MAX_SAFE_INTEGER).length;
    case 'strcpy': return (f) => {
      const d = args[0](f);
      const s = readCString(mem, addrOf(args[1](f)), Number.MAX_SAFE_INTEGER);
      const out = new Uint8Array(s.length + 1); out.set(s);
      mem.writeBytes(addrOf(d), out);
      return d;
    };
    case 'strncpy': return (f) => {
      const d = args[0](f), n = count(args[2](f));
      const s = readCString(mem, addrOf(args[1](f)), n);
      const out = new Uint8Array(n); out.set(s.subarray(0, n));   // pads with NULs up to n
      if (n > 0) mem.writeBytes(addrOf(d), out);
      return d;
    };
    case 'strcmp': return (f) => {
      const a = addrOf(args[0](f)), b = addrOf(args[1](f));
      for (let i = 0; ; i++) {
        const x = mem.read8(a + i), y = mem.read8(b + i);
        if (x !== y) return x - y;
        if (x === 0) return 0;
      }
    };
  }
  return null;
}
