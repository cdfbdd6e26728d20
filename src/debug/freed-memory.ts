// The use-of-freed-memory check (exception filter `use_after_free`). While it is on, the
// process's memory object gets checking methods of its own, shadowing the prototype's, and the
// allocator's entry points mark when glibc itself runs: its metadata writes into free chunks
// are not the program's. Off, both objects are exactly as the machine made them, so the
// interpreter's hot path pays nothing.
import type { Scenario } from '../machine/scenario';
import type { OracleState } from '../machine/glibc/types';

interface Freed { lo: number; hi: number; chunk: number; size: number; bin: string }
export interface FreedHit { text: string; line: number }

const MEM = [['read8', 1], ['read16', 2], ['read32', 4], ['read64', 8], ['write8', 1], ['write16', 2], ['write32', 4], ['write64', 8],
  ['readBytes', -1], ['writeBytes', -1], ['fill', -1]] as const;
const ENTRIES = ['malloc', 'free', 'calloc', 'realloc', 'reallocarray', 'memalign', 'aligned_alloc', 'valloc', 'pvalloc',
  'posix_memalign', 'malloc_usable_size', 'malloc_trim', 'mallopt', 'malloc_stats'] as const;

type Fn = (...a: unknown[]) => unknown;

export class FreedMemoryCheck {
  private sc: Scenario | null = null;
  private saved: [Record<string, unknown>, string, unknown][] = [];
  private inGlibc = 0;
  private stale = true;
  private freed: Freed[] = [];
  private lo = 0;
  private hi = 0;
  // only the program's run is checked: the debugger's own reads and replays are not
  running = false;
  hit: FreedHit | null = null;

  enable(sc: Scenario | null): void {
    if (sc === this.sc) return;
    this.disarm();
    if (sc) this.arm(sc);
  }

  // The machine was moved without allocator calls (a snapshot restored): bins are read again.
  invalidate(): void { this.stale = true; this.hit = null; this.lo = 0; this.hi = Number.MAX_SAFE_INTEGER; }

  private arm(sc: Scenario): void {
    this.sc = sc;
    this.stale = true;
    const mem = sc.proc.mem as unknown as Record<string, Fn>;
    for (const [name, n] of MEM) {
      const orig = mem[name];
      const write = name.startsWith('write') || name === 'fill';
      this.patch(mem, name, function (this: unknown, ...a: unknown[]) {
        check(a[0] as number, n > 0 ? n : name === 'writeBytes' ? (a[1] as Uint8Array).length : (a[name === 'fill' ? 2 : 1] as number), write);
        return orig.apply(mem, a);
      });
    }
    const check = (va: number, n: number, write: boolean): void => {
      if (!this.running || this.inGlibc || this.hit || va + n <= this.lo || va >= this.hi) return;
      this.refresh();
      const f = this.find(va, n);
      if (f) this.hit = { text: describe(write, n, va, f), line: sc.interp.loc.line };
    };
    const g = sc.glibc as unknown as Record<string, Fn>;
    for (const name of ENTRIES) {
      const orig = g[name];
      if (typeof orig !== 'function') continue;
      this.patch(g, name, (...a: unknown[]) => {
        this.inGlibc++;
        try { return orig(...a); } finally { this.inGlibc--; this.stale = true; this.lo = 0; this.hi = Number.MAX_SAFE_INTEGER; }
      });
    }
    this.refresh();
  }

  private patch(o: Record<string, unknown>, name: string, f: Fn): void {
    this.saved.push([o, name, Object.prototype.hasOwnProperty.call(o, name) ? o[name] : undefined]);
    o[name] = f;
  }

  private disarm(): void {
    for (const [o, name, v] of this.saved.reverse()) { if (v === undefined) delete o[name]; else o[name] = v; }
    this.saved = [];
    this.sc = null;
    this.freed = [];
    this.hit = null;
  }

  private refresh(): void {
    if (!this.stale || !this.sc) return;
    this.stale = false;
    this.freed = freedChunks(this.sc.glibc.state(), this.sc.proc.layout.heapBase);
    this.lo = this.freed.length ? this.freed[0].lo : 0;
    this.hi = this.freed.length ? Math.max(...this.freed.map((f) => f.hi)) : 0;
  }

  private find(va: number, n: number): Freed | null {
    for (const f of this.freed) if (va < f.hi && va + n > f.lo) return f;
    return null;
  }
}

// The user parts of the chunks in glibc's bins, lowest first.
export function freedChunks(s: OracleState, base: number): Freed[] {
  const sizes = new Map(s.heap.map(([off, size]) => [off, Number(size) - (Number(size) % 8)]));
  const out: Freed[] = [];
  const add = (off: number, bin: string): void => {
    const size = sizes.get(off);
    if (!size) return;
    out.push({ lo: base + off + 16, hi: base + off + size, chunk: base + off, size, bin });
  };
  const hex = (n: number): string => '0x' + n.toString(16);
  for (const [i, c] of Object.entries(s.tcache?.chains ?? {})) c.forEach((o) => add(o, `tcache[${hex((Number(i) + 2) * 16)}]`));
  for (const [i, c] of Object.entries(s.fastbins)) c.forEach((o) => add(o, `fastbin[${hex((Number(i) + 2) * 16)}]`));
  s.unsorted.forEach((o) => add(o, 'the unsorted bin'));
  for (const [i, c] of Object.entries(s.smallbins)) c.forEach((o) => add(o, `smallbin[${hex(Number(i) * 16)}]`));
  for (const [i, c] of Object.entries(s.largebins)) c.forEach((o) => add(o, `largebin ${i}`));
  return out.sort((a, b) => a.lo - b.lo);
}

function describe(write: boolean, n: number, va: number, f: Freed): string {
  const hex = (x: number): string => '0x' + x.toString(16);
  return `${write ? 'write' : 'read'} of ${n} byte${n === 1 ? '' : 's'} at ${hex(va)}: inside chunk ${hex(f.chunk)} (${hex(f.size)}), freed into ${f.bin}`;
}
