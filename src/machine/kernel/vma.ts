// The process's virtual memory areas (vm_area_struct), kept sorted by vm_start. Splitting and
// merging follow Linux: adjacent anonymous areas with the same flags become one, so
// /proc/self/maps reads as it does on a real system.
import type { VmArea } from './types';

export interface Vma extends VmArea {
  anon: boolean;          // anonymous memory (zero-filled on first touch, swappable)
  growsdown: boolean;     // the stack
  accounted: boolean;     // counted in Committed_AS (private writable, or shared anon)
  file?: { ino: number };  // vm_file: pages come from the page cache (pgoff in bytes)
}

export class VmaList {
  list: Vma[] = [];

  find(addr: number): Vma | undefined {
    // first area with vm_end > addr (find_vma), only if it contains addr
    const v = this.findNext(addr);
    return v && v.vm_start <= addr ? v : undefined;
  }

  // Linux's find_vma: the first area ending above addr (may start above it).
  findNext(addr: number): Vma | undefined {
    let lo = 0, hi = this.list.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (this.list[mid].vm_end <= addr) lo = mid + 1; else hi = mid; }
    return this.list[lo];
  }

  prev(v: Vma): Vma | undefined { const i = this.list.indexOf(v); return i > 0 ? this.list[i - 1] : undefined; }

  overlaps(start: number, end: number): boolean {
    const v = this.findNext(start);
    return !!v && v.vm_start < end;
  }

  insert(v: Vma): void {
    let i = 0;
    while (i < this.list.length && this.list[i].vm_start < v.vm_start) i++;
    this.list.splice(i, 0, v);
    this.mergeAround(v);
  }

  private compatible(a: Vma, b: Vma): boolean {
    return a.vm_end === b.vm_start && a.anon && b.anon && !a.growsdown && !b.growsdown && a.name === b.name && a.kind === b.kind
      && a.read === b.read && a.write === b.write && a.exec === b.exec && a.shared === b.shared && a.accounted === b.accounted;
  }

  mergeAround(v: Vma): void {
    let i = this.list.indexOf(v);
    if (i > 0 && this.compatible(this.list[i - 1], v)) {
      this.list[i - 1].vm_end = v.vm_end;
      this.list.splice(i, 1);
      i--; v = this.list[i];
    }
    if (i + 1 < this.list.length && this.compatible(v, this.list[i + 1])) {
      v.vm_end = this.list[i + 1].vm_end;
      this.list.splice(i + 1, 1);
    }
  }

  // Cut areas so that `start` and `end` are area boundaries; returns the areas inside.
  split(start: number, end: number): Vma[] {
    const out: Vma[] = [];
    for (let i = 0; i < this.list.length; i++) {
      const v = this.list[i];
      if (v.vm_end <= start || v.vm_start >= end) continue;
      if (v.vm_start < start) {
        const right = { ...v, vm_start: start, pgoff: v.pgoff + (start - v.vm_start) };
        v.vm_end = start;
        this.list.splice(i + 1, 0, right);
        continue;
      }
      if (v.vm_end > end) {
        const right = { ...v, vm_start: end, pgoff: v.pgoff + (end - v.vm_start) };
        v.vm_end = end;
        this.list.splice(i + 1, 0, right);
      }
      out.push(v);
    }
    return out;
  }

  remove(start: number, end: number): Vma[] {
    const gone = this.split(start, end);
    this.list = this.list.filter((v) => !gone.includes(v));
    return gone;
  }

  // get_unmapped_area, top-down: the highest gap of `len` bytes below `top` and above `floor`.
  topDownGap(len: number, top: number, floor: number): number {
    let hi = top;
    for (let i = this.list.length - 1; i >= -1; i--) {
      const v = i >= 0 ? this.list[i] : null;
      const lo = v ? v.vm_end : floor;
      if (v && v.vm_start >= hi) continue;
      const gapHi = Math.min(hi, top);
      if (gapHi - Math.max(lo, floor) >= len) return gapHi - len;
      if (!v) break;
      hi = v.vm_start;
    }
    return -1;
  }

  clone(): VmaList { const c = new VmaList(); c.list = this.list.map((v) => ({ ...v })); return c; }
}
