// The custom request `heapstep/state`: one snapshot of the heap, the bins, the address space
// (with each mapping's pages by class: resident, page cache clean or dirty, swapped, not
// present), a page walk, /proc/meminfo and the timeline, for the webviews. Built only from
// side-effect-free reads (the allocator's views, the inspector, the process's counters, page
// walk and pressure views), so asking for it never faults a page in, fills the TLB, moves a
// page on the LRU or changes RSS.
import type { Scenario } from '../machine/scenario';
import type { OracleState } from '../machine/glibc/types';
import type {
  BinEntry, BinKind, BinList, Bins, Chunk, ChunkBin, ChunkLink, HeapState, Mapping, MemInfoState, PageClass, PageCounts, PageRun,
  PageWalkState, StateRequestArgs, TimelinePoint,
} from '../protocol/state';
import { MAX_PAGE_RUNS, PAGE_CLASSES } from '../protocol/state';
import type { HeapStepRuntime } from './runtime';

const TCACHE_LIST = 64;      // glibc's tcache chains never exceed 65535, but a view needs no more
const LIST_LIMIT = 10000;    // a corrupted (cyclic) doubly-linked list must not hang the view

// What a scenario's views remember between stops: the timeline, and each chunk's look at the
// previous stop (for the change highlight), keyed by offset from the heap base.
interface Memo {
  timeline: Map<number, TimelinePoint>;
  lastStep: number;
  basis: Map<number, number>;      // chunks at the stop before `lastStep`, as lookOf's numbers
  current: Map<number, number>;    // chunks at `lastStep`
}
const memos = new WeakMap<Scenario, Memo>();

function memoOf(sc: Scenario): Memo {
  let m = memos.get(sc);
  if (!m) { m = { timeline: new Map(), lastStep: -1, basis: new Map(), current: new Map() }; memos.set(sc, m); }
  return m;
}

// 64-bit words as two 32-bit halves: BigInt per word made a 100,000-chunk heap take a second.
interface Word { hi: number; lo: number }
const ZERO: Word = { hi: 0, lo: 0 };
function wordOf(b: Uint8Array | null): Word {
  if (!b) return ZERO;
  return { lo: (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0, hi: (b[4] | (b[5] << 8) | (b[6] << 16) | (b[7] << 24)) >>> 0 };
}
const hexWord = (w: Word): string => (w.hi ? '0x' + w.hi.toString(16) + w.lo.toString(16).padStart(8, '0') : '0x' + w.lo.toString(16));
const isZero = (w: Word): boolean => w.hi === 0 && w.lo === 0;
// PROTECT_PTR's reveal: the word XOR (the address it is stored at >> 12)
function reveal(at: number, w: Word): Word {
  const k = Math.floor(at / 4096);
  return { hi: (w.hi ^ Math.floor(k / 4294967296)) >>> 0, lo: (w.lo ^ (k >>> 0)) >>> 0 };
}
const hx = (v: number): string => '0x' + v.toString(16);

export function stateRequest(rt: HeapStepRuntime, args: StateRequestArgs | undefined): HeapState {
  const sc = rt.scenario;
  if (!sc) throw new Error('no program is running');
  return buildState(sc, args?.address, args?.record !== false);
}

export function buildState(sc: Scenario, address?: number, record = true): HeapState {
  const proc = sc.proc;
  const peek = pageCache(sc);
  const word = (a: number): Word => wordOf(peek(a, 8));
  const os = sc.glibc.state();
  const base = proc.layout.heapBase;
  const step = sc.interp.steps;
  const tcacheCount = Number(os.mp.tcache_count ?? 7);

  const link = (chunk: number, raw: Word, safeLinked: boolean): ChunkLink => {
    const r = hexWord(raw);
    return { raw: r, decoded: safeLinked && !isZero(raw) ? hexWord(reveal(chunk + 16, raw)) : r };
  };

  const binOf = new Map<number, ChunkBin>();
  const bins = buildBins(os, base, word, link, tcacheCount, binOf);

  const memo = memoOf(sc);
  if (step !== memo.lastStep) { memo.basis = memo.current; memo.current = new Map(); memo.lastStep = step; }
  const seen = memo.current;
  const describe = (addr: number, sizeField: number, state: Chunk['state']): Chunk => {
    const rel = addr - base;   // small integers hash and store cheaper than addresses
    const bin = state === 'allocated' ? binOf.get(rel) : undefined;
    const st: Chunk['state'] = bin ? 'free' : state;
    const size = sizeField - (sizeField % 8);
    const key = lookOf(size, st, bin);
    seen.set(rel, key);
    const c: Chunk = {
      addr, size, state: st,
      flags: sizeField & 7,
      preview: st === 'top' ? '' : ascii(peek(addr + 16, Math.min(16, Math.max(0, size - 16)))),
      changed: memo.basis.size > 0 ? memo.basis.get(rel) !== key : false,
    };
    if (bin) {
      c.bin = bin;
      const safe = bin.kind === 'tcache' || bin.kind === 'fastbin';
      c.fd = link(addr, word(addr + 16), safe);
      if (!safe) c.bk = link(addr, word(addr + 24), false);
    }
    return c;
  };

  const chunks: Chunk[] = os.heap.map(([off, size]) => describe(base + off, Number(size), 'allocated'));
  const topAddr = os.arena.top !== null ? base + os.arena.top : null;
  if (topAddr !== null) chunks.push(describe(topAddr, Number(os.top[1]), 'top'));
  const mmapped = mmappedChunks(sc).map((p) => { const w = word(p + 8); return describe(p, w.hi * 4294967296 + w.lo, 'mmapped'); });

  const counters = proc.counters();
  const brk = proc.brkNow();
  const mappings: Mapping[] = proc.vmas().map((v) => {
    const runs = proc.pageRuns(v.vm_start, v.vm_end);
    const fitted = fitRuns(runs);
    return {
      start: v.vm_start, end: v.vm_end,
      perms: `${v.read ? 'r' : '-'}${v.write ? 'w' : '-'}${v.exec ? 'x' : '-'}${v.shared ? 's' : 'p'}`,
      name: v.name, kind: v.kind,
      residentPages: proc.residentPages(v.vm_start, v.vm_end), pages: Math.ceil((v.vm_end - v.vm_start) / 4096),
      pageCounts: countRuns(runs), pageRuns: fitted, runsApproximate: fitted !== runs,
    };
  });

  const meminfo = memInfo(sc);
  const point: TimelinePoint = {
    step, rss: counters.rss, vsz: counters.vsz, heapSize: brk - base, freeBytes: Number(os.mallinfo2.fordblks ?? 0), brk,
    memFree: meminfo.memFree, cached: meminfo.cached, dirty: meminfo.dirty, swapUsed: meminfo.swapTotal - meminfo.swapFree,
  };
  if (record) memo.timeline.set(step, point);

  const walkAt = address ?? (chunks.length ? chunks[0].addr : base);
  return {
    step, arch: sc.config.arch, heapBase: base, brk,
    chunks, top: topAddr, mmapped, truncated: os.heap.length >= 1000000,
    bins, mappings,
    layout: { heapBase: base, brk, mmapBase: proc.layout.mmapBase, stackTop: proc.layout.stackTop },
    vsz: counters.vsz, rss: counters.rss, tlb: { hits: counters.tlbHits, misses: counters.tlbMisses }, meminfo,
    pagewalk: pageWalkState(sc, walkAt),
    timeline: [...memo.timeline.values()].sort((a, b) => a.step - b.step),
  };
}

function memInfo(sc: Scenario): MemInfoState {
  const m = new Map(sc.proc.pressure().meminfo);
  const b = (k: string): number => (m.get(k) ?? 0) * 1024;
  return {
    memTotal: b('MemTotal'), memFree: b('MemFree'), memAvailable: b('MemAvailable'), cached: b('Cached'), dirty: b('Dirty'),
    swapTotal: b('SwapTotal'), swapFree: b('SwapFree'),
  };
}

function countRuns(runs: PageRun[]): PageCounts {
  const c: PageCounts = { anon: 0, file: 0, dirty: 0, swap: 0, none: 0 };
  for (const r of runs) c[r.cls] += r.pages;
  return c;
}

// At most MAX_PAGE_RUNS runs: beyond that, equal slices, each the class most of its pages
// have, a touched class winning over `none` so that a few swapped pages in a large untouched
// area still show. Returns `runs` itself when it is short enough.
export function fitRuns(runs: PageRun[]): PageRun[] {
  if (runs.length <= MAX_PAGE_RUNS) return runs;
  const total = runs.reduce((n, r) => n + r.pages, 0);
  const slice = Math.ceil(total / MAX_PAGE_RUNS);
  const out: PageRun[] = [];
  const tally = new Map<PageClass, number>();
  let inSlice = 0;
  const close = (): void => {
    let best: PageClass = 'none', bestN = 0;
    for (const cls of PAGE_CLASSES) {
      const n = tally.get(cls) ?? 0;
      if (cls !== 'none' && n > bestN) { best = cls; bestN = n; }
    }
    const last = out[out.length - 1];
    if (last && last.cls === best) last.pages += inSlice; else out.push({ cls: best, pages: inSlice });
    tally.clear(); inSlice = 0;
  };
  for (const r of runs) {
    let left = r.pages;
    while (left > 0) {
      const take = Math.min(left, slice - inSlice);
      tally.set(r.cls, (tally.get(r.cls) ?? 0) + take);
      inSlice += take; left -= take;
      if (inSlice === slice) close();
    }
  }
  if (inSlice) close();
  return out;
}

// Reads through a cache of whole pages: a heap of 100,000 chunks is a few hundred pages, and
// one inspector call per page is far cheaper than several per chunk.
function pageCache(sc: Scenario): (a: number, n: number) => Uint8Array | null {
  const pages = new Map<number, Uint8Array | null>();
  return (a, n) => {
    if (!(a >= 0) || !Number.isSafeInteger(a)) return null;
    const pn = Math.floor(a / 4096), off = a - pn * 4096;
    if (off + n > 4096) return sc.proc.inspect.peekBytes(a, n);
    let page = pages.get(pn);
    if (page === undefined) { page = sc.proc.inspect.peekBytes(pn * 4096, 4096); pages.set(pn, page); }
    return page ? page.subarray(off, off + n) : null;
  };
}

// a chunk's size, state and bin in one number (cheaper to keep per chunk than a string)
const STATES = ['allocated', 'free', 'top', 'mmapped'], KINDS = ['', 'tcache', 'fastbin', 'unsorted', 'small', 'large'];
function lookOf(size: number, st: Chunk['state'], bin: ChunkBin | undefined): number {
  return ((size * 4 + STATES.indexOf(st)) * 8 + KINDS.indexOf(bin?.kind ?? '')) * 128 + (bin?.index ?? 0);
}

function ascii(b: Uint8Array | null): string {
  if (!b) return '';
  let s = '';
  for (let i = 0; i < b.length; i++) s += PRINTABLE[b[i]];
  return s;
}
const PRINTABLE = Array.from({ length: 256 }, (_, c) => (c >= 32 && c < 127 ? String.fromCharCode(c) : '.'));

// The allocator keeps no list of its mmapped chunks (nor does glibc); its views do, and carry
// it in the allocator's snapshot, which is the only public way to it.
function mmappedChunks(sc: Scenario): number[] {
  const s = sc.glibc.snapshot() as { mmapped?: unknown };
  return Array.isArray(s.mmapped) ? (s.mmapped.filter((p) => typeof p === 'number') as number[]).sort((a, b) => a - b) : [];
}

function buildBins(
  os: OracleState, base: number, word: (a: number) => Word,
  link: (chunk: number, raw: Word, safe: boolean) => ChunkLink, tcacheCount: number, binOf: Map<number, ChunkBin>,
): Bins {
  const sizeAt = (p: number) => { const w = word(p + 8); return w.hi * 4294967296 + (w.lo - (w.lo % 8)); };
  const list = (kind: BinKind, index: number, label: string, offs: number[], bound: number, count?: number, limit?: number): BinList => {
    const safe = kind === 'tcache' || kind === 'fastbin';
    const entries: BinEntry[] = offs.map((off) => {
      const p = base + off;
      if (!binOf.has(off)) binOf.set(off, { kind, index });
      const e: BinEntry = { addr: p, size: sizeAt(p), fd: link(p, word(p + 16), safe) };
      if (!safe) e.bk = link(p, word(p + 24), false);
      return e;
    });
    return { kind, index, label, count: count ?? entries.length, limit, entries, truncated: offs.length >= bound };
  };
  const tcache: BinList[] = [];
  if (os.tcache) {
    for (let i = 0; i < 64; i++) {
      const chain = os.tcache.chains[String(i)] ?? [];
      const count = os.tcache.counts[i] ?? 0;
      if (chain.length || count) tcache.push(list('tcache', i, `tcache[${hx(32 + 16 * i)}]`, chain, TCACHE_LIST, count, tcacheCount));
    }
  }
  const keyed = (rec: Record<string, number[]>, kind: BinKind, label: (i: number) => string, bound: number): BinList[] =>
    Object.keys(rec).map(Number).sort((a, b) => a - b).map((i) => list(kind, i, label(i), rec[String(i)], bound));
  return {
    tcacheCount, tcache,
    fastbins: keyed(os.fastbins, 'fastbin', (i) => `fastbin[${hx(32 + 16 * i)}]`, LIST_LIMIT),
    unsorted: os.unsorted.length ? [list('unsorted', 1, 'unsorted', os.unsorted, LIST_LIMIT)] : [],
    small: keyed(os.smallbins, 'small', (i) => `smallbin[${hx(i * 16)}]`, LIST_LIMIT),
    large: keyed(os.largebins, 'large', (i) => `largebin[${i}]`, LIST_LIMIT),
  };
}

function pageWalkState(sc: Scenario, va: number): PageWalkState | null {
  if (!Number.isSafeInteger(va) || va < 0) return null;
  const w = sc.proc.pagewalk(va);
  return {
    va,
    levels: w.levels.map((l) => ({
      level: l.level, index: l.index, tableAddr: l.tableAddr, entry: '0x' + l.entry.toString(16),
      bits: { ...l.bits }, next: l.next,
    })),
    present: w.present, pa: w.pa, frame: w.pa !== undefined ? Math.floor(w.pa / 4096) : undefined,
    swapped: !!w.swapped, mapping: w.vma ? (w.vma.name || '[anon]') : undefined, tlb: w.tlb,
  };
}
