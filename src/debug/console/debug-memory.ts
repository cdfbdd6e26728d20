// Emulated memory as the debugger touches it: the interpreter's own expression code runs on
// top of this instead of the MMU, so that looking at a value never faults a page in, fills
// the TLB or sets an accessed bit. Stores (the console's assignments, setVariable) are
// debugger writes: only into resident pages the program itself could write, recorded so the
// session can tell the client which bytes changed.
import type { U64, VirtualMemory } from '../../machine/memory/types';
import type { Scenario } from '../../machine/scenario';

export interface WrittenRange { addr: number; count: number }

// What the console reports instead of a crash: gdb's "Cannot access memory at address".
export class DebugAccessError extends Error {}

// A side effect asked for where none is allowed (hover, watch), or a kind the console refuses.
export class SideEffectError extends Error {}

const hx = (n: number) => '0x' + n.toString(16);

const vmaOf = (sc: Scenario, va: number) => sc.proc.vmas().find((m) => va >= m.vm_start && va < m.vm_end);

// Why the page of va has no bytes to show (null: it has, or it reads as zeroes).
export function whyUnreadable(sc: Scenario, va: number): string | null {
  if (!Number.isSafeInteger(va) || va < 0) return 'beyond the address space';
  if (sc.proc.inspect.isResident(va)) return null;
  const v = vmaOf(sc, va);
  if (!v) return 'not mapped';
  if (!v.read && !v.write) return `in a PROT_NONE mapping (${v.name || v.kind})`;
  if (sc.proc.pagewalk(va).swapped) return `in ${v.name || v.kind}, swapped out`;
  return null;
}

// n bytes at va, or the first address that has none. A page mapped but never touched reads
// as the zeroes the kernel would fault in, as gdb shows it; the debugger does not fault it in
// to find out.
export function peek(sc: Scenario, va: number, n: number): Uint8Array | { unreadable: number; why: string } {
  const whole = Number.isSafeInteger(va) && va >= 0 ? sc.proc.inspect.peekBytes(va, n) : null;
  if (whole) return whole;
  const out = new Uint8Array(n);
  for (let done = 0; done < n;) {
    const a = va + done;
    const k = Math.min(n - done, 4096 - (a % 4096));
    const b = sc.proc.inspect.peekBytes(a, k);
    if (b) out.set(b, done);
    else {
      const why = whyUnreadable(sc, a);
      if (why) return { unreadable: a, why };
    }
    done += k;
  }
  return out;
}

function whyUnwritable(sc: Scenario, va: number): string {
  const v = vmaOf(sc, va);
  if (v && !v.write) return `${v.name || v.kind} is not writable by the program`;
  if (v && !sc.proc.inspect.isResident(va)) return `in ${v.name || v.kind}, but the page is not resident (a debugger write does not fault pages in)`;
  return whyUnreadable(sc, va) ?? 'not writable';
}

export class DebuggerMemory implements VirtualMemory {
  readonly writes: WrittenRange[] = [];

  // `refuseWrites`: the reason every store is refused (a hover must change nothing), or null
  constructor(private readonly sc: Scenario, private readonly refuseWrites: string | null) {}

  private bytes(va: number, n: number): Uint8Array {
    const b = peek(this.sc, va, n);
    if (b instanceof Uint8Array) return b;
    throw new DebugAccessError(`Cannot access memory at address ${hx(b.unreadable)}: ${b.why}`);
  }
  private store(va: number, data: Uint8Array): void {
    if (this.refuseWrites !== null) throw new SideEffectError(this.refuseWrites);
    if (!this.sc.proc.inspect.pokeBytes(va, data)) throw new DebugAccessError(`Cannot write memory at address ${hx(va)}: ${whyUnwritable(this.sc, va)}`);
    this.writes.push({ addr: va, count: data.length });
  }

  read8(va: number): number { return this.bytes(va, 1)[0]; }
  read16(va: number): number { const b = this.bytes(va, 2); return b[0] | (b[1] << 8); }
  read32(va: number): number { const b = this.bytes(va, 4); return (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0; }
  read64(va: number): U64 {
    const b = this.bytes(va, 8);
    const lo = (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
    const hi = (b[4] | (b[5] << 8) | (b[6] << 16) | (b[7] << 24)) >>> 0;
    return hi < 0x200000 ? hi * 4294967296 + lo : (BigInt(hi) << 32n) | BigInt(lo);
  }
  readBytes(va: number, n: number): Uint8Array { return this.bytes(va, n); }

  write8(va: number, v: number): void { this.store(va, Uint8Array.of(v & 0xff)); }
  write16(va: number, v: number): void { this.store(va, Uint8Array.of(v & 0xff, (v >>> 8) & 0xff)); }
  write32(va: number, v: number): void { this.store(va, le(BigInt(v >>> 0), 4)); }
  write64(va: number, v: U64): void { this.store(va, le(BigInt.asUintN(64, BigInt(v)), 8)); }
  writeBytes(va: number, data: Uint8Array): void { this.store(va, data); }
  fill(va: number, byte: number, n: number): void { this.store(va, new Uint8Array(n).fill(byte & 0xff)); }
}

export function le(v: bigint, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) { out[i] = Number(v & 0xffn); v >>= 8n; }
  return out;
}
