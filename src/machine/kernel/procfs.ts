// What /proc shows: /proc/self/maps in show_map_vma's format, and a textbook page walk.
import type { PageWalk, PageWalkLevel } from '../process';
import { Mmu, NX_HIGH, PTE_A, PTE_D, PTE_P, PTE_RW, PTE_SWAP, PTE_US } from '../memory/mmu';
import type { Mm } from './mm';
import { permString } from './mm';

const hex = (n: number, w = 0) => n.toString(16).padStart(w, '0');

export function mapsText(mm: Mm): string {
  const x64 = mm.config.arch === 'x86_64';
  const w = x64 ? 8 : 8;
  const lines = mm.vmas.list.map((v) => {
    const inode = v.file ? 1048576 + v.file.ino : v.kind === 'lib' || v.kind === 'text' || v.kind === 'data' ? (v.kind === 'lib' ? (v.name.includes('ld-linux') ? 338944 : 339380) : 2146378) : 0;
    const dev = inode ? 'fe:00' : '00:00';
    // show_map_vma prints the offset of file-backed areas only; an anonymous one reads 0 even
    // when a split left its vm_pgoff non-zero
    const head = `${hex(v.vm_start, w)}-${hex(v.vm_end, w)} ${permString(v)} ${hex(inode ? v.pgoff : 0, 8)} ${dev} ${inode}`;
    return v.name ? head.padEnd(73) + v.name : head + ' ';
  });
  if (x64) lines.push('ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0'.padEnd(73) + '[vsyscall]');
  return lines.join('\n') + '\n';
}

const LEVELS_64 = ['PML4', 'PDPT', 'PD', 'PT'];
const LEVELS_32 = ['PDE', 'PTE'];

export function pageWalk(mm: Mm, va: number): PageWalk {
  const mmu = mm.mmu;
  const names = mmu.levels === 4 ? LEVELS_64 : LEVELS_32;
  const levels: PageWalkLevel[] = [];
  let table = mmu.cr3;
  let present = false, swapped = false, pa: number | undefined;
  for (let l = 0; l < mmu.levels; l++) {
    const idx = mmu.index(va, l);
    const e = mmu.readEntry(table, idx);
    const raw = mmu.entrySize === 8 ? (BigInt(e.hi) << 32n) | BigInt(e.lo) : e.lo;
    const level: PageWalkLevel = {
      level: names[l], index: idx, tableAddr: table * 4096, entry: typeof raw === 'bigint' && raw <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(raw) : raw,
      bits: { P: !!(e.lo & PTE_P), RW: !!(e.lo & PTE_RW), US: !!(e.lo & PTE_US), A: !!(e.lo & PTE_A), D: !!(e.lo & PTE_D), NX: !!(e.hi & NX_HIGH) },
    };
    if (e.lo & PTE_P) level.next = Mmu.frameOf(e) * 4096;
    levels.push(level);
    if (!(e.lo & PTE_P)) { swapped = l === mmu.levels - 1 && !!(e.lo & PTE_SWAP); break; }
    table = Mmu.frameOf(e);
    if (l === mmu.levels - 1) { present = true; pa = table * 4096 + (va % 4096); }
  }
  return { va, levels, present, pa, swapped, vma: mm.vmas.find(va), tlb: mmu.tlbHolds(va) ? 'hit' : 'miss' };
}

export function pageWalkText(mm: Mm, va: number): string {
  const w = pageWalk(mm, va);
  const x64 = mm.config.arch === 'x86_64';
  const out: string[] = [];
  out.push(`page walk of 0x${hex(va)} (${x64 ? '4-level, x86-64' : '2-level, i386'}; CR3 = 0x${hex(mm.mmu.cr3 * 4096)})`);
  const bits = x64 ? [[39, 9], [30, 9], [21, 9], [12, 9]] : [[22, 10], [12, 10]];
  const parts = bits.map(([shift, n], i) => `${(x64 ? LEVELS_64 : LEVELS_32)[i]} index ${Math.floor(va / 2 ** shift) % 2 ** n}`);
  out.push(`  split: ${parts.join(' | ')} | offset 0x${hex(va % 4096, 3)}`);
  for (const l of w.levels) {
    const b = l.bits;
    const flags = `${b.P ? 'P' : '-'} ${b.RW ? 'RW' : 'R-'} ${b.US ? 'US' : '--'} ${b.A ? 'A' : '-'} ${b.D ? 'D' : '-'}${x64 ? (b.NX ? ' NX' : ' --') : ''}`;
    const entry = typeof l.entry === 'bigint' ? l.entry.toString(16) : l.entry.toString(16);
    out.push(`  ${l.level.padEnd(4)} table @ phys 0x${hex(l.tableAddr)} [${String(l.index).padStart(3)}] = 0x${entry.padStart(x64 ? 16 : 8, '0')}  ${flags}${l.next !== undefined ? `  -> 0x${hex(l.next)}` : ''}`);
  }
  if (w.present) out.push(`  => physical address 0x${hex(w.pa!)} (frame 0x${hex(Math.floor(w.pa! / 4096))} + offset 0x${hex(va % 4096)}); TLB ${w.tlb}`);
  else if (w.swapped) out.push('  => not present: the page is in swap (touching it is a major fault)');
  else out.push(`  => not present: ${w.vma ? 'mapped but never touched (the first touch is a minor fault)' : 'no mapping here (touching it is SIGSEGV)'}`);
  return out.join('\n') + '\n';
}

// /proc/meminfo's lines for this machine (kB). MemAvailable as si_mem_available estimates it:
// free pages above the reserve (the high watermark) plus the page cache that could go
// without dropping below the low watermark.
export function meminfoFields(mm: Mm): [string, number][] {
  const pages = (n: number) => n * 4;
  const free = mm.phys.freeFrames, w = mm.wmark;
  const file = mm.cache.size;
  const pagecache = file - Math.min(file >> 1, w.low);
  const available = Math.max(0, free - w.high + pagecache);
  const hog = mm.hogs.reduce((s, h) => s + h.frames.length, 0);
  const anon = mm.resident.size;
  const activeAnon = mm.activeAnon.size;
  return [
    ['MemTotal', pages(mm.phys.totalFrames)], ['MemFree', pages(free)], ['MemAvailable', pages(available)],
    ['Buffers', 0], ['Cached', pages(file)], ['SwapCached', 0],
    ['Active', pages(activeAnon + mm.cache.active.size)], ['Inactive', pages(anon - activeAnon + mm.cache.inactive.size)],
    ['Active(anon)', pages(activeAnon)], ['Inactive(anon)', pages(anon - activeAnon)],
    ['Active(file)', pages(mm.cache.active.size)], ['Inactive(file)', pages(mm.cache.inactive.size)],
    ['Unevictable', pages(hog)], ['Mlocked', pages(hog)],
    ['SwapTotal', pages(mm.swapSlots)], ['SwapFree', pages(mm.swapSlots - mm.swapped.size)],
    ['Dirty', pages(mm.cache.nrDirty)], ['Writeback', 0],
    ['AnonPages', pages(anon + hog)], ['Mapped', pages(mm.fileMapped.size)], ['Shmem', mm.rssShmem() / 1024],
    ['PageTables', pages(mm.pageTableFrames)], ['Committed_AS', Math.round(mm.committed / 1024)],
  ];
}

export function meminfoText(mm: Mm): string {
  return meminfoFields(mm).map(([k, v]) => `${(k + ':').padEnd(16)}${String(v).padStart(8)} kB`).join('\n') + '\n';
}

export function vmstatFields(mm: Mm): [string, number][] {
  const e = mm.ev;
  return [
    ['nr_free_pages', mm.phys.freeFrames], ['nr_inactive_anon', mm.resident.size - mm.activeAnon.size], ['nr_active_anon', mm.activeAnon.size],
    ['nr_inactive_file', mm.cache.inactive.size], ['nr_active_file', mm.cache.active.size], ['nr_file_pages', mm.cache.size],
    ['nr_dirty', mm.cache.nrDirty], ['nr_dirtied', e.nr_dirtied], ['nr_written', e.nr_written],
    ['pgpgin', e.pgpgin * 4], ['pgpgout', e.pgpgout * 4], ['pswpin', e.pswpin], ['pswpout', e.pswpout],
    ['pgfault', mm.minflt + mm.majflt], ['pgmajfault', mm.majflt],
    ['pgactivate', e.pgactivate], ['pgdeactivate', e.pgdeactivate],
    ['pgscan_kswapd', e.pgscan_kswapd], ['pgscan_direct', e.pgscan_direct],
    ['pgsteal_kswapd', e.pgsteal_kswapd], ['pgsteal_direct', e.pgsteal_direct],
    ['allocstall', e.allocstall], ['pageoutrun', e.kswapd_wakeups], ['oom_kill', e.oom_kill],
  ];
}

export function vmstatText(mm: Mm): string {
  return vmstatFields(mm).map(([k, v]) => `${k} ${v}`).join('\n') + '\n';
}
