// File pages through the page cache (mm/filemap.c, mm/memory.c): filemap_fault maps a cached
// page (a minor fault) or reads it from the disk first (a major fault); a store to a private
// mapping copies the page (do_cow_fault / wp_page_copy) and the copy is anonymous memory from
// then on; a store to a shared mapping dirties the cached page itself (do_shared_fault).
import { PTE_P, PTE_PROTNONE, PTE_RW, PTE_US } from '../memory/mmu';
import { MachineSignal } from '../signals';
import { PAGE } from './layout';
import type { Mm } from './mm';
import type { CachePage } from './pagecache';
import type { Vma } from './vma';

// find_get_page, or a fresh page read from the disk (`fill` false: the caller overwrites the
// whole page, so no read I/O). Returns the page and whether the disk was read.
export function getCachePage(mm: Mm, ino: number, index: number, fill = true): { page: CachePage; io: boolean } {
  const p = mm.cache.find(ino, index);
  if (p) return { page: p, io: false };
  const f = mm.allocFrame();
  const io = fill && index * PAGE < mm.fs.inodes.get(ino)!.size;
  if (io) { mm.fs.readPage(ino, index, mm.phys.frame(f)); mm.ev.pgpgin++; }
  return { page: mm.cache.add(ino, index, f), io };
}

function mapFilePage(mm: Mm, page: number, p: CachePage, v: Vma, writable: boolean): void {
  const nx = !v.exec && mm.config.arch === 'x86_64';
  const flags = !v.read && !v.write ? PTE_PROTNONE | PTE_US : PTE_P | PTE_US | (writable ? PTE_RW : 0);
  mm.mmu.setPteRaw(page, (p.frame % 1048576) * 4096 + flags, Math.floor(p.frame / 1048576) + (nx ? 0x80000000 : 0));
  const vpn = page / PAGE;
  if (!mm.fileMapped.has(vpn)) { p.mappers.push(vpn); mm.fileMapped.set(vpn, p); }
}

function unmapFilePage(mm: Mm, vpn: number, p: CachePage): void {
  const i = p.mappers.indexOf(vpn);
  if (i >= 0) p.mappers.splice(i, 1);
  mm.fileMapped.delete(vpn);
}

// wp_page_copy: the private copy of a file page becomes an anonymous page of this process.
function cowPage(mm: Mm, page: number, src: CachePage, v: Vma): void {
  src.pin++;
  let f: number;
  try { f = mm.allocFrame(); } finally { src.pin--; }
  mm.phys.frame(f).set(mm.phys.frame(src.frame));
  const vpn = page / PAGE;
  unmapFilePage(mm, vpn, src);
  mm.mapPage(page, f, v);
  mm.resident.set(vpn, f);
}

export function filemapFault(mm: Mm, v: Vma, va: number, write: boolean): void {
  const page = va - (va % PAGE), vpn = page / PAGE;
  const ino = v.file!.ino;
  const index = (v.pgoff + (page - v.vm_start)) / PAGE;
  const mapped = mm.fileMapped.get(vpn);
  if (mapped) {
    // present but read-only: the first store since the page was mapped or written back
    if (v.shared) {
      if (mm.cache.setDirty(mapped, mm.clock())) mm.ev.nr_dirtied++;
      mm.scheduleFlushSoon();
      mapFilePage(mm, page, mapped, v, true);
    } else cowPage(mm, page, mapped, v);
    mm.minflt++;
    mm.sink?.({ event: 'fault', kind: 'minor', addr: va, page, write, ...(v.shared ? { file: mm.fs.path(ino) } : { cow: true }) });
    return;
  }
  const node = mm.fs.inodes.get(ino)!;
  if (index * PAGE >= Math.ceil(node.size / PAGE) * PAGE) {
    throw new MachineSignal('SIGBUS', `Bus error at 0x${va.toString(16)}: page ${index} is beyond the end of ${mm.fs.path(ino)} (${node.size} bytes)`, va, 'nonexistent physical address');
  }
  const { page: p, io } = getCachePage(mm, ino, index);
  p.pin++;
  try {
    if (write && !v.shared) cowPage(mm, page, p, v);
    else {
      if (write && mm.cache.setDirty(p, mm.clock())) { mm.ev.nr_dirtied++; mm.scheduleFlushSoon(); }
      mapFilePage(mm, page, p, v, write);
    }
  } finally { p.pin--; }
  if (io) mm.majflt++; else mm.minflt++;
  mm.sink?.({ event: 'fault', kind: io ? 'major' : 'minor', addr: va, page, write, file: mm.fs.path(ino), ...(write && !v.shared ? { cow: true } : {}) });
}

// Zap helper: a file pte goes away; the cached page stays.
// move_ptes for a file page: the entry (frame, dirty and accessed bits) moves to `to`, and the
// page's rmap follows it, so the new address needs no fault
export function moveFilePte(mm: Mm, from: number, to: number): void {
  const p = mm.fileMapped.get(from);
  if (!p) return;
  const e = mm.mmu.getPte(from * PAGE);
  unmapFilePage(mm, from, p);
  mm.mmu.setPte(from * PAGE, { lo: 0, hi: 0 });
  if (!e) return;
  mm.mmu.setPteRaw(to * PAGE, e.lo, e.hi);
  p.mappers.push(to);
  mm.fileMapped.set(to, p);
}

export function zapFilePage(mm: Mm, vpn: number): void {
  const p = mm.fileMapped.get(vpn);
  if (!p) return;
  unmapFilePage(mm, vpn, p);
  mm.mmu.setPte(vpn * PAGE, { lo: 0, hi: 0 });
}

// Re-derive a file pte after mprotect: writable only when shared and already dirty (a clean
// page takes a fault on the next store, to be marked dirty).
export function reprotectFilePage(mm: Mm, vpn: number, v: Vma): void {
  const p = mm.fileMapped.get(vpn);
  if (p) mapFilePage(mm, vpn * PAGE, p, v, v.write && v.shared && p.dirty);
}
