// ORACLE.md's `call` event: what was called, what it returned, and the whole allocator state
// right after it. Must be built synchronously in the event callback (the state is "now").
import type { Allocator, OracleRet } from '../glibc/types';
import type { MemoryInspector } from '../memory/types';
import type { Val } from './arith';
import type { CallEvent } from './events';
import { RETURNS_CHUNK } from '../../lang/builtins';

export const jsonNum = (v: Val): number | string =>
  typeof v === 'number' ? v : v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : v.toString();


export type PeekPtr = (addr: number) => number | null;

export function oracleRet(ev: CallEvent, g: Allocator, peekPtr: PeekPtr): OracleRet | number | string | null {
  const fn = ev.fn;
  if (fn === 'free') return null;
  if (fn === 'posix_memalign') {
    const rc = Number(ev.ret);
    if (rc !== 0) return { ptr: null, rc };
    // the pointer was stored through memptr; read it back without side effects
    const p = peekPtr(Number(ev.args[0]));
    return { ...(p !== null ? g.retInfo(p) : {}), rc };
  }
  if (RETURNS_CHUNK.has(fn)) {
    const p = ev.ret ?? 0;
    if (p === 0 || p === 0n) return { ptr: null, errno: g.errno };
    const info: OracleRet = g.retInfo(Number(p));
    if (fn === 'realloc' || fn === 'reallocarray') info.moved = p !== ev.args[0];
    return info;
  }
  return ev.ret === null ? null : jsonNum(ev.ret);
}

export function oracleCallEvent(ev: CallEvent, g: Allocator, peekPtr: PeekPtr): Record<string, unknown> {
  return {
    event: 'call', step: ev.step, line: ev.line, fn: ev.fn, args: ev.args.map(jsonNum),
    ...(ev.by ? { by: ev.by } : {}),
    ret: oracleRet(ev, g, peekPtr),
    ...g.state(),
    why: ev.why,
  };
}

// A pointer-sized little-endian read through the side-effect-free inspector.
export function pointerPeeker(inspect: MemoryInspector, ptrSize: number): PeekPtr {
  return (addr) => {
    const b = inspect.peekBytes(addr, ptrSize);
    if (!b) return null;
    let v = 0;
    for (let i = ptrSize - 1; i >= 0; i--) v = v * 256 + b[i];
    return Number.isSafeInteger(v) ? v : null;
  };
}
