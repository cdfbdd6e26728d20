// The page cache (address_space's pages) with the file half of the node's lruvec: every cached
// page sits on exactly one of nr_inactive_file / nr_active_file, each kept oldest first (a JS
// Map's insertion order), so reclaim scans from the cold end as shrink_inactive_list does.
import { keyIndex, keyIno, pageKey } from './fs';

export interface CachePage {
  key: number;
  frame: number;
  dirty: boolean;          // PG_dirty: newer than the disk
  dirtiedAt: number;       // step it became dirty (dirty_expire ages it)
  referenced: boolean;     // PG_referenced: one access seen by read()/write(); a second activates
  active: boolean;         // on the active list (PG_active)
  mappers: number[];       // page-table entries (vpns) that map this page: its rmap
  pin: number;             // held by a fault in progress; reclaim passes it by
}

export class PageCache {
  inactive = new Map<number, CachePage>();
  active = new Map<number, CachePage>();
  nrDirty = 0;

  get size(): number { return this.inactive.size + this.active.size; }

  find(ino: number, index: number): CachePage | undefined {
    const k = pageKey(ino, index);
    return this.inactive.get(k) ?? this.active.get(k);
  }

  // A new page starts on the inactive list: one use does not make a working set.
  add(ino: number, index: number, frame: number): CachePage {
    const p: CachePage = { key: pageKey(ino, index), frame, dirty: false, dirtiedAt: 0, referenced: false, active: false, mappers: [], pin: 0 };
    this.inactive.set(p.key, p);
    return p;
  }

  delete(p: CachePage): void {
    (p.active ? this.active : this.inactive).delete(p.key);
    if (p.dirty) { p.dirty = false; this.nrDirty--; }
  }

  setDirty(p: CachePage, now: number): boolean {
    if (p.dirty) return false;
    p.dirty = true; p.dirtiedAt = now; this.nrDirty++;
    return true;
  }
  clearDirty(p: CachePage): void { if (p.dirty) { p.dirty = false; this.nrDirty--; } }

  activate(p: CachePage): void {
    if (p.active) return;
    this.inactive.delete(p.key); p.active = true; p.referenced = false; this.active.set(p.key, p);
  }
  deactivate(p: CachePage): void {
    if (!p.active) return;
    this.active.delete(p.key); p.active = false; this.inactive.set(p.key, p);
  }
  // Second chance: to the young end of its list.
  rotate(p: CachePage): void {
    const l = p.active ? this.active : this.inactive;
    l.delete(p.key); l.set(p.key, p);
  }

  // mark_page_accessed, for read() and write(): inactive,unreferenced -> inactive,referenced
  // -> active. A file read twice stays; one read once is the first to go.
  markAccessed(p: CachePage): void {
    if (!p.active && p.referenced) this.activate(p);
    else if (!p.referenced) p.referenced = true;
  }

  pagesOf(ino: number): CachePage[] {
    const out: CachePage[] = [];
    for (const l of [this.inactive, this.active]) for (const p of l.values()) if (keyIno(p.key) === ino) out.push(p);
    return out.sort((a, b) => keyIndex(a.key) - keyIndex(b.key));
  }

  clone(): PageCache {
    const c = new PageCache();
    for (const p of this.inactive.values()) c.inactive.set(p.key, { ...p, mappers: p.mappers.slice() });
    for (const p of this.active.values()) c.active.set(p.key, { ...p, mappers: p.mappers.slice() });
    c.nrDirty = this.nrDirty;
    return c;
  }
}
