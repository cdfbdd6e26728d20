// Seeded random allocator traces, in profiles that aim at each part of malloc.c. Operations
// free only live pointers (no aborts), except in the `abort` profile, which provokes checks.
import type { Op } from './trace';

export const PROFILES = ['tcache', 'fastbin', 'mmap', 'bins', 'realloc', 'trim', 'edge', 'mixed', 'memalign'] as const;
export type Profile = typeof PROFILES[number] | 'abort';

export class Rng {
  private s: bigint;
  constructor(seed: number) { this.s = BigInt(seed) * 0x9e3779b97f4a7c15n + 1n; }
  next(): number {
    this.s = BigInt.asUintN(64, this.s + 0x9e3779b97f4a7c15n);
    let z = this.s;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    return Number((z ^ (z >> 31n)) >> 11n) / 2 ** 53;
  }
  int(lo: number, hi: number): number { return lo + Math.floor(this.next() * (hi - lo + 1)); }
  pick<T>(xs: readonly T[]): T { return xs[Math.floor(this.next() * xs.length)]; }
  chance(p: number): boolean { return this.next() < p; }
}

class Live {
  live: number[] = [];
  free: number[] = [];
  constructor(n: number) { for (let i = n - 1; i >= 0; i--) this.free.push(i); }
  take(): number | null { return this.free.length ? this.free.pop()! : null; }
  add(i: number): void { this.live.push(i); }
  drop(r: Rng): number | null {
    if (!this.live.length) return null;
    const k = r.int(0, this.live.length - 1);
    const i = this.live[k];
    this.live[k] = this.live[this.live.length - 1];
    this.live.pop();
    this.free.push(i);
    return i;
  }
  any(r: Rng): number | null { return this.live.length ? this.live[r.int(0, this.live.length - 1)] : null; }
  remove(i: number): void { const k = this.live.indexOf(i); if (k >= 0) { this.live.splice(k, 1); this.free.push(i); } }
}

const B = (n: number) => BigInt(n);
const SIZE_MAX = 2n ** 64n - 1n;
const PTRDIFF_MAX = 2n ** 63n - 1n;

function size(p: Profile, r: Rng): bigint {
  switch (p) {
    case 'tcache': return B(r.int(0, 0x408));
    case 'fastbin': return B(r.int(1, 0x78));
    case 'mmap': return B(r.chance(0.5) ? r.int(100_000, 300_000) : r.int(300_000, 40 * 1024 * 1024));
    case 'bins': return B(r.chance(0.7) ? r.int(0x400, 0x10000) : r.int(0x80, 0x400));
    case 'edge': return r.pick([0n, 1n, 24n, 25n, 0x408n, 0x410n, 0x80n, 0x88n, 0x18n, 0x20000n, 0x1ffffn, SIZE_MAX, SIZE_MAX - 16n, PTRDIFF_MAX, PTRDIFF_MAX - 100n, 2n ** 40n, B(r.int(0, 5000))]);
    default: return B(r.chance(0.8) ? r.int(1, 0x600) : r.chance(0.8) ? r.int(0x600, 0x20000) : r.int(0x20000, 0x200000));
  }
}

export function generate(profile: Profile, seed: number, nops: number): Op[] {
  const r = new Rng(seed * 7919 + PROFILES.indexOf(profile as typeof PROFILES[number]) + 1);
  const L = new Live(profile === 'fastbin' || profile === 'tcache' ? 64 : 200);
  const ops: Op[] = [];
  const alloc = (op: Op) => { ops.push(op); };
  if (profile === 'abort') return abortTrace(r);
  while (ops.length < nops) {
    const x = r.next();
    const heavyFree = profile === 'bins' || profile === 'fastbin' ? 0.5 : 0.4;
    if (x < heavyFree && L.live.length) {
      const i = L.drop(r)!;
      ops.push({ op: 'free', i });
      continue;
    }
    if (profile === 'trim' && r.chance(0.08)) {
      const params: [number, number][] = [[-1, r.int(0, 300000)], [-2, r.int(0, 200000)], [-3, r.int(0, 0x100000)], [1, r.int(0, 160)], [-6, r.pick([0, 0, 0xaa])], [-4, r.int(0, 4)], [1, 200]];
      const [param, value] = r.pick(params);
      ops.push({ op: 'mallopt', param, value });
      continue;
    }
    if (profile === 'trim' && r.chance(0.05)) { ops.push({ op: 'trim', pad: B(r.pick([0, 0, 4096, 100000])) }); continue; }
    if ((profile === 'realloc' || profile === 'mixed') && L.live.length && r.chance(profile === 'realloc' ? 0.5 : 0.1)) {
      const j = L.any(r)!;
      const n = r.chance(0.1) ? 0n : r.chance(0.5) ? size(profile, r) : B(r.int(1, 0x2000));
      const same = r.chance(0.7);
      const i = same ? j : L.take();
      if (i === null) continue;
      ops.push({ op: 'realloc', i, j, n });
      // realloc(p, 0) frees; failure keeps p[j] (we never make realloc fail here except for huge sizes)
      if (n === 0n) { L.remove(j); if (!same) L.free.push(i); }
      else if (!same) { L.remove(j); L.add(i); }
      continue;
    }
    if (profile === 'edge' && r.chance(0.1) && L.live.length) { ops.push({ op: 'usable', i: L.any(r)! }); continue; }
    const i = L.take();
    if (i === null) { const k = L.drop(r); if (k !== null) ops.push({ op: 'free', i: k }); continue; }
    const n = size(profile, r);
    const kind = profile === 'memalign' || (profile === 'edge' && r.chance(0.2))
      ? r.pick(['memalign', 'aligned_alloc', 'posix_memalign', 'valloc', 'pvalloc', 'memalign'] as const)
      : (profile === 'mixed' || profile === 'edge') && r.chance(0.15) ? 'calloc' : 'malloc';
    if (kind === 'calloc') {
      const m = r.chance(0.1) ? SIZE_MAX / 2n : B(r.int(1, 64));
      alloc({ op: 'calloc', i, n: m, s: n > 0x10000n ? B(r.int(1, 64)) : n });
    } else if (kind === 'malloc' || kind === 'valloc' || kind === 'pvalloc') alloc({ op: kind, i, n: kind === 'malloc' ? n : B(r.int(0, 20000)) });
    else {
      const a = r.pick([0n, 1n, 8n, 16n, 24n, 32n, 48n, 64n, 256n, 4096n, 65536n, 3n]);
      // aligned requests stay below the mmap threshold: an mmapped chunk's alignment slack depends
      // on where the kernel put the mapping, which differs between any two processes
      // (and memalign's own padded request, n + a + MINSIZE, must stay below it too)
      const m = n > 0x10000n ? B(r.int(1, 5000)) : n;
      alloc({ op: kind, i, a, n: kind !== 'posix_memalign' && kind !== 'memalign' && kind !== 'aligned_alloc' ? m : (m + a + 64n >= 0x20000n ? 0x20000n - a - 64n - B(r.int(0, 4096)) : m) });
    }
    // requests that fail leave the slot NULL (or, for posix_memalign, untouched): not live
    const last = ops[ops.length - 1];
    const badAlign = last.op === 'posix_memalign' && (last.a % 8n !== 0n || last.a === 0n || ((last.a / 8n) & (last.a / 8n - 1n)) !== 0n);
    if ((n > 2n ** 40n && kind === 'malloc') || badAlign) L.free.push(i); else L.add(i);
  }
  return ops.slice(0, nops);
}

// Traces that end in a glibc integrity check.
function abortTrace(r: Rng): Op[] {
  const n = B(r.pick([0x18, 0x28, 0x68, 0x100, 0x420]));
  const k = r.int(0, 5);
  switch (k) {
    case 0: return [{ op: 'malloc', i: 0, n }, { op: 'free', i: 0 }, { op: 'free', i: 0 }];                    // tcache double free
    case 1: {                                                                                                  // fastbin double free
      const ops: Op[] = [];
      for (let i = 0; i < 9; i++) ops.push({ op: 'malloc', i, n: 0x28n });
      for (let i = 0; i < 7; i++) ops.push({ op: 'free', i });
      ops.push({ op: 'free', i: 7 }, { op: 'free', i: 7 });
      return ops;
    }
    case 2: return [{ op: 'malloc', i: 0, n }, { op: 'write', i: 0, off: Math.max(32, (Number(n) + 23) & ~15) - 8, value: 0x41n }, { op: 'malloc', i: 1, n: 0x10000n }];   // corrupt top size: sysmalloc's assertion
    case 3: return [{ op: 'malloc', i: 0, n: 0x18n }, { op: 'write', i: 0, off: -8, value: 0n }, { op: 'free', i: 0 }];              // invalid size
    case 4: return [{ op: 'malloc', i: 0, n: 0x500n }, { op: 'malloc', i: 1, n: 0x18n }, { op: 'free', i: 0 }, { op: 'free', i: 0 }]; // double free (!prev) / top
    default: return [{ op: 'malloc', i: 0, n: 0x18n }, { op: 'write', i: 0, off: -8, value: 0x1000n }, { op: 'free', i: 0 }];       // invalid next size
  }
}
