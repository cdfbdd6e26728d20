// The MMU: page tables stored in emulated frames with x86 entry bits, a small TLB, and every
// load and store of the emulated program (and of glibc) translated through them. A miss walks
// the tables as the hardware does (setting Accessed, and Dirty on a write); a missing or
// insufficient entry calls the kernel's page-fault handler, which maps the page or raises
// SIGSEGV. The inspector reads the same tables without touching anything.
import type { MemoryInspector, U64, VirtualMemory } from './types';
import type { PhysicalMemory } from './phys';

export const PTE_P = 0x1, PTE_RW = 0x2, PTE_US = 0x4, PTE_A = 0x20, PTE_D = 0x40;
export const PTE_PROTNONE = 0x100;   // Linux's _PAGE_PROTNONE: a resident page made inaccessible
export const PTE_SWAP = 0x200;       // a non-present entry holding a swap slot (bits 12..)
export const NX_HIGH = 0x80000000;   // bit 63, in the high half of a 64-bit entry

// A first-level data TLB of 64 entries backed by a second-level one of 1024 (as an x86 core's
// L1 dTLB and STLB): a miss in both is a page walk, counted in `misses`.
const TLB_SIZE = 64;
const STLB_SIZE = 1024;
const WALK_CACHE = 16;
const TWO32 = 4294967296;

export type FaultHandler = (va: number, write: boolean) => void;

export interface Pte { lo: number; hi: number }

export class Mmu implements VirtualMemory, MemoryInspector {
  cr3 = -1;                 // frame of the top-level table
  readonly tlbTag = new Float64Array(TLB_SIZE).fill(-1);
  readonly tlbFrame = new Int32Array(TLB_SIZE);
  readonly tlbWrite = new Uint8Array(TLB_SIZE);
  // the host bytes behind each first-level entry, so a hit is one lookup, not three
  private readonly tlbView: DataView[];
  private readonly tlbOff = new Int32Array(TLB_SIZE);
  private readonly stlbTag = new Float64Array(STLB_SIZE).fill(-1);
  private readonly stlbFrame = new Int32Array(STLB_SIZE);
  private readonly stlbWrite = new Uint8Array(STLB_SIZE);
  hits = 0;
  misses = 0;
  readonly levels: number;
  readonly entrySize: number;

  constructor(readonly phys: PhysicalMemory, readonly arch: 'x86_64' | 'i386',
              public fault: FaultHandler, public allocTable: () => number) {
    this.tlbView = new Array<DataView>(TLB_SIZE).fill(new DataView(new ArrayBuffer(8)));
    this.levels = arch === 'x86_64' ? 4 : 2;
    this.entrySize = arch === 'x86_64' ? 8 : 4;
  }

  init(): void { this.cr3 = this.allocTable(); }

  // ---- page-table entries ----------------------------------------------------------------
  index(va: number, level: number): number {
    // level 0 is the top (PML4 / PDE); indices of 9 bits (x86_64) or 10 bits (i386)
    if (level === this.levels - 1) return this.levels === 4 ? Math.floor(va / 4096) & 511 : Math.floor(va / 4096) & 1023;
    const vpn = Math.floor(va / 4096);
    if (this.levels === 2) return level === 0 ? Math.floor(vpn / 1024) & 1023 : vpn & 1023;
    return Math.floor(vpn / 2 ** (9 * (3 - level))) % 512;
  }

  readEntry(frame: number, idx: number): Pte {
    const dv = this.phys.views[frame >>> 8];
    const off = ((frame & 255) << 12) + idx * this.entrySize;
    if (this.entrySize === 4) return { lo: dv.getUint32(off, true), hi: 0 };
    return { lo: dv.getUint32(off, true), hi: dv.getUint32(off + 4, true) };
  }
  writeEntry(frame: number, idx: number, e: Pte): void {
    const dv = this.phys.views[frame >>> 8];
    const off = ((frame & 255) << 12) + idx * this.entrySize;
    dv.setUint32(off, e.lo >>> 0, true);
    if (this.entrySize === 8) dv.setUint32(off + 4, e.hi >>> 0, true);
  }
  static frameOf(e: Pte): number { return (e.hi & 0xfffff) * 1048576 + (e.lo >>> 12); }
  static makeEntry(frame: number, flags: number, nx: boolean): Pte {
    return { lo: ((frame % 1048576) * 4096 + (flags & 0xfff)) >>> 0, hi: (Math.floor(frame / 1048576) | (nx ? NX_HIGH : 0)) >>> 0 };
  }

  // Page tables are never freed, so the leaf table of a region, once found, stays valid: a
  // small direct-mapped cache of them (as the paging-structure caches of a real MMU) makes a
  // TLB miss one read of the leaf entry, even when the heap, libc's data and the stack take
  // turns.
  private readonly walkKey = new Float64Array(WALK_CACHE).fill(-1);
  private readonly walkTable = new Float64Array(WALK_CACHE);
  resetWalkCache(): void { this.walkKey.fill(-1); }
  private regionOf(va: number): number { return this.levels === 4 ? Math.floor(va / 2097152) : Math.floor(va / 4194304); }

  // The leaf table's frame for va (-1 when a level is missing and not `create`d).
  leafT(va: number, create: boolean): number {
    const key = this.regionOf(va);
    const w = key & (WALK_CACHE - 1);
    if (this.walkKey[w] === key) return this.walkTable[w];
    const l = this.leaf(va, create);
    return l ? l.frame : -1;
  }

  // Writes a leaf entry from its two 32-bit halves (no allocation on the fault path).
  setPteRaw(va: number, lo: number, hi: number): void {
    const t = this.leafT(va, true);
    const dv = this.phys.views[t >>> 8];
    const off = ((t & 255) << 12) + this.index(va, this.levels - 1) * this.entrySize;
    dv.setUint32(off, lo >>> 0, true);
    if (this.entrySize === 8) dv.setUint32(off + 4, hi >>> 0, true);
    this.invlpg(va);
  }

  // The leaf table frame and index for va; creates missing tables when `create`.
  leaf(va: number, create: boolean): { frame: number; idx: number } | null {
    const key = this.regionOf(va);
    const w = key & (WALK_CACHE - 1);
    if (this.walkKey[w] === key) return { frame: this.walkTable[w], idx: this.index(va, this.levels - 1) };
    let table = this.cr3;
    for (let l = 0; l < this.levels - 1; l++) {
      const idx = this.index(va, l);
      const e = this.readEntry(table, idx);
      if (!(e.lo & PTE_P)) {
        if (!create) return null;
        const f = this.allocTable();
        // Linux's _PAGE_TABLE: an upper-level entry is born present, writable, user, accessed and dirty
        this.writeEntry(table, idx, Mmu.makeEntry(f, PTE_P | PTE_RW | PTE_US | PTE_A | PTE_D, false));
        table = f;
      } else table = Mmu.frameOf(e);
    }
    this.walkKey[w] = key; this.walkTable[w] = table;
    return { frame: table, idx: this.index(va, this.levels - 1) };
  }

  getPte(va: number): Pte | null {
    const l = this.leaf(va, false);
    return l ? this.readEntry(l.frame, l.idx) : null;
  }
  setPte(va: number, e: Pte): void {
    const l = this.leaf(va, true)!;
    this.writeEntry(l.frame, l.idx, e);
    this.invlpg(va);
  }

  invlpg(va: number): void {
    const vpn = Math.floor(va / 4096);
    const s = vpn & (TLB_SIZE - 1);
    if (this.tlbTag[s] === vpn) this.tlbTag[s] = -1;
    const s2 = vpn & (STLB_SIZE - 1);
    if (this.stlbTag[s2] === vpn) this.stlbTag[s2] = -1;
  }
  flushTlb(): void { this.tlbTag.fill(-1); this.stlbTag.fill(-1); }
  // whether a translation of va is cached (either level), for the page-walk view
  tlbHolds(va: number): boolean {
    const vpn = Math.floor(va / 4096);
    return this.tlbTag[vpn & (TLB_SIZE - 1)] === vpn || this.stlbTag[vpn & (STLB_SIZE - 1)] === vpn;
  }

  // ---- translation -----------------------------------------------------------------------
  private tlbFill(va: number, vpn: number, write: boolean): number {
    const s = vpn & (TLB_SIZE - 1), s2 = vpn & (STLB_SIZE - 1);
    if (this.stlbTag[s2] === vpn && (!write || this.stlbWrite[s2])) {
      this.hits++;
      const f = this.stlbFrame[s2];
      this.tlbTag[s] = vpn; this.tlbFrame[s] = f; this.tlbWrite[s] = this.stlbWrite[s2];
      this.tlbView[s] = this.phys.views[f >>> 8]; this.tlbOff[s] = (f & 255) << 12;
      return f;
    }
    this.misses++;
    const wide = this.entrySize === 8;
    const idx = wide ? vpn & 511 : vpn & 1023;
    for (let attempt = 0; attempt < 3; attempt++) {
      const t = this.leafT(va, false);
      if (t >= 0) {
        const dv = this.phys.views[t >>> 8];
        const off = ((t & 255) << 12) + idx * this.entrySize;
        let lo = dv.getUint32(off, true);
        if ((lo & PTE_P) && (!write || (lo & PTE_RW))) {
          const want = write ? PTE_A | PTE_D : PTE_A;
          if ((lo & want) !== want) { lo = (lo | want) >>> 0; dv.setUint32(off, lo, true); }
          const hi = wide ? dv.getUint32(off + 4, true) : 0;
          const f = (hi & 0xfffff) * 1048576 + (lo >>> 12);
          const w = (lo & PTE_RW) && (lo & PTE_D) ? 1 : 0;
          this.tlbTag[s] = vpn; this.tlbFrame[s] = f; this.tlbWrite[s] = w;
          this.tlbView[s] = this.phys.views[f >>> 8]; this.tlbOff[s] = (f & 255) << 12;
          this.stlbTag[s2] = vpn; this.stlbFrame[s2] = f; this.stlbWrite[s2] = w;
          return f;
        }
      }
      this.fault(va, write);     // maps the page or throws SIGSEGV / SIGKILL
    }
    throw new Error(`internal: page fault at 0x${va.toString(16)} did not resolve`);
  }

  // The frame of `va` when either TLB level already holds it (for a write: writable and
  // dirty), else -1. No side effect: callers that find every page they need here may skip the
  // per-access translation, since a hit changes nothing but the hit counter (they add to it).
  tlbPeek(va: number, write: boolean): number {
    const vpn = Math.floor(va / 4096);
    const s = vpn & (TLB_SIZE - 1);
    if (this.tlbTag[s] === vpn && (!write || this.tlbWrite[s])) return this.tlbFrame[s];
    const s2 = vpn & (STLB_SIZE - 1);
    if (this.stlbTag[s2] === vpn && (!write || this.stlbWrite[s2])) return this.stlbFrame[s2];
    return -1;
  }

  private rframe(va: number): number {
    const vpn = Math.floor(va / 4096);
    const s = vpn & (TLB_SIZE - 1);
    if (this.tlbTag[s] === vpn) { this.hits++; return this.tlbFrame[s]; }
    return this.tlbFill(va, vpn, false);
  }
  private wframe(va: number): number {
    const vpn = Math.floor(va / 4096);
    const s = vpn & (TLB_SIZE - 1);
    if (this.tlbTag[s] === vpn && this.tlbWrite[s]) { this.hits++; return this.tlbFrame[s]; }
    return this.tlbFill(va, vpn, true);
  }

  read8(va: number): number {
    const f = this.rframe(va);
    return this.phys.chunks[f >>> 8][((f & 255) << 12) | (va & 4095)];
  }
  write8(va: number, v: number): void {
    const f = this.wframe(va);
    this.phys.chunks[f >>> 8][((f & 255) << 12) | (va & 4095)] = v;
  }
  read16(va: number): number {
    if ((va & 4095) > 4094) return this.read8(va) | (this.read8(va + 1) << 8);
    const f = this.rframe(va);
    return this.phys.views[f >>> 8].getUint16(((f & 255) << 12) | (va & 4095), true);
  }
  write16(va: number, v: number): void {
    if ((va & 4095) > 4094) { this.write8(va, v & 0xff); this.write8(va + 1, (v >>> 8) & 0xff); return; }
    const f = this.wframe(va);
    this.phys.views[f >>> 8].setUint16(((f & 255) << 12) | (va & 4095), v, true);
  }
  read32(va: number): number {
    const o = va & 4095;
    if (o > 4092) return (this.read16(va) + this.read16(va + 2) * 65536) >>> 0;
    const vpn = Math.floor(va / 4096), s = vpn & (TLB_SIZE - 1);
    if (this.tlbTag[s] === vpn) { this.hits++; return this.tlbView[s].getUint32(this.tlbOff[s] | o, true); }
    const f = this.tlbFill(va, vpn, false);
    return this.phys.views[f >>> 8].getUint32(((f & 255) << 12) | o, true);
  }
  write32(va: number, v: number): void {
    const o = va & 4095;
    if (o > 4092) { this.write16(va, v & 0xffff); this.write16(va + 2, (v >>> 16) & 0xffff); return; }
    const vpn = Math.floor(va / 4096), s = vpn & (TLB_SIZE - 1);
    if (this.tlbTag[s] === vpn && this.tlbWrite[s]) { this.hits++; this.tlbView[s].setUint32(this.tlbOff[s] | o, v >>> 0, true); return; }
    const f = this.tlbFill(va, vpn, true);
    this.phys.views[f >>> 8].setUint32(((f & 255) << 12) | o, v >>> 0, true);
  }
  read64(va: number): U64 {
    const o = va & 4095;
    let lo: number, hi: number;
    if (o > 4088) { lo = this.read32(va); hi = this.read32(va + 4); }
    else {
      const vpn = Math.floor(va / 4096), s = vpn & (TLB_SIZE - 1);
      let dv: DataView, off: number;
      if (this.tlbTag[s] === vpn) { this.hits++; dv = this.tlbView[s]; off = this.tlbOff[s] | o; }
      else { const f = this.tlbFill(va, vpn, false); dv = this.phys.views[f >>> 8]; off = ((f & 255) << 12) | o; }
      lo = dv.getUint32(off, true); hi = dv.getUint32(off + 4, true);
    }
    if (hi < 0x200000) return hi * TWO32 + lo;
    return (BigInt(hi) << 32n) | BigInt(lo);
  }
  write64(va: number, v: U64): void {
    let lo: number, hi: number;
    if (typeof v === 'number' && v >= 0 && v <= Number.MAX_SAFE_INTEGER) { lo = v >>> 0; hi = (v - lo) / TWO32; }
    else { const b = BigInt.asUintN(64, BigInt(v)); lo = Number(b & 0xffffffffn); hi = Number(b >> 32n); }
    const o = va & 4095;
    if (o > 4088) { this.write32(va, lo); this.write32(va + 4, hi); return; }
    const vpn = Math.floor(va / 4096), s = vpn & (TLB_SIZE - 1);
    let dv: DataView, off: number;
    if (this.tlbTag[s] === vpn && this.tlbWrite[s]) { this.hits++; dv = this.tlbView[s]; off = this.tlbOff[s] | o; }
    else { const f = this.tlbFill(va, vpn, true); dv = this.phys.views[f >>> 8]; off = ((f & 255) << 12) | o; }
    dv.setUint32(off, lo, true); dv.setUint32(off + 4, hi, true);
  }
  readBytes(va: number, n: number): Uint8Array {
    const out = new Uint8Array(n);
    let done = 0;
    while (done < n) {
      const a = va + done;
      const k = Math.min(n - done, 4096 - (a & 4095));
      const f = this.rframe(a);
      const off = ((f & 255) << 12) | (a & 4095);
      out.set(this.phys.chunks[f >>> 8].subarray(off, off + k), done);
      done += k;
    }
    return out;
  }
  writeBytes(va: number, data: Uint8Array): void {
    let done = 0;
    while (done < data.length) {
      const a = va + done;
      const k = Math.min(data.length - done, 4096 - (a & 4095));
      const f = this.wframe(a);
      this.phys.chunks[f >>> 8].set(data.subarray(done, done + k), ((f & 255) << 12) | (a & 4095));
      done += k;
    }
  }
  fill(va: number, byte: number, n: number): void {
    let done = 0;
    while (done < n) {
      const a = va + done;
      const k = Math.min(n - done, 4096 - (a & 4095));
      const f = this.wframe(a);
      const off = ((f & 255) << 12) | (a & 4095);
      this.phys.chunks[f >>> 8].fill(byte, off, off + k);
      done += k;
    }
  }

  // ---- the inspector: no faults, no TLB fill, no A/D bits --------------------------------
  private peekFrame(va: number): number {
    const e = this.getPte(va);
    return e && (e.lo & PTE_P) ? Mmu.frameOf(e) : -1;
  }
  isResident(va: number): boolean { return this.peekFrame(va) >= 0; }
  peekBytes(va: number, n: number): Uint8Array | null {
    if (!(va >= 0) || !Number.isSafeInteger(va)) return null;
    const out = new Uint8Array(n);
    let done = 0;
    while (done < n) {
      const a = va + done;
      const k = Math.min(n - done, 4096 - (a & 4095));
      const f = this.peekFrame(a);
      if (f < 0) return null;
      const off = ((f & 255) << 12) | (a & 4095);
      out.set(this.phys.chunks[f >>> 8].subarray(off, off + k), done);
      done += k;
    }
    return out;
  }
  pokeBytes(va: number, data: Uint8Array): boolean {
    if (!(va >= 0) || !Number.isSafeInteger(va + data.length)) return false;
    const frames: number[] = [];
    for (let page = va - (va & 4095); page < va + data.length; page += 4096) {
      const e = this.getPte(page);
      if (!e || !(e.lo & PTE_P) || !(e.lo & PTE_RW)) return false;
      frames.push(Mmu.frameOf(e));
    }
    let done = 0;
    for (const f of frames) {
      const a = va + done;
      const k = Math.min(data.length - done, 4096 - (a & 4095));
      this.phys.chunks[f >>> 8].set(data.subarray(done, done + k), ((f & 255) << 12) | (a & 4095));
      done += k;
    }
    return true;
  }
}
