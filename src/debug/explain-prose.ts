// An allocator call's `why` lines as prose: each terse line the allocator writes (glibc/*.ts)
// is recognised by its shape and retold as full sentences, with the chunks, bins, system calls,
// mappings and glibc functions it names as references. What a line leaves implicit (the bins
// _int_malloc found empty before the one that served, why free skipped tcache) follows from
// malloc.c's order of search and is said too. A line of an unknown shape is kept as it is.
// Knows nothing of DAP.
import type { SyscallEvent } from '../machine/events';
import type { Val } from '../machine/interp/arith';
import type { BinKind } from '../protocol/state';
import type { ExplainParagraph, ExplainRef, ExplainRun } from '../protocol/explain';
import { RETURNS_CHUNK } from '../lang/builtins';

// One allocator call as the debugger saw it run.
export interface CallRecord {
  fn: string;
  args: Val[];
  ret: Val | null;
  step: number;
  line: number;
  why: string[];
  by?: string;
  finished: boolean;
  syscalls: SyscallEvent[];     // the ones glibc made during the call, in order
  faults: number[];             // pages first touched during the statement up to the call's return (the first few)
  faultCount?: number;          // how many there were, when more than `faults` holds
}

export interface ProseEnv {
  source(fn: string, why: number): ExplainRef;       // the listing line of why line `why`, in glibc function `fn`
  chunk(addr: number, size: number | null): ExplainRef;   // size null: as its header says now
  tcacheCount: number;                               // mp_.tcache_count now
}

const TCACHE_MAX = 0x410, MAX_FAST = 0x80, MIN_LARGE = 0x400;
const hx = (n: number | bigint): string => '0x' + n.toString(16);
const num = (s: string): number | null => { const v = Number(s); return Number.isSafeInteger(v) ? v : null; };
const big = (v: Val): bigint => BigInt.asUintN(64, BigInt(v));
const kib = (n: number): string => (n % 1024 === 0 ? `${n / 1024} KiB` : `${n} bytes`);

export function request2size(n: bigint): bigint | null {
  if (n > 0x7fffffffffffffffn - 32n) return null;
  const r = (n + 8n + 15n) & ~15n;
  return r < 32n ? 32n : r;
}

// The labels of heapstep/state's bins (state-request.ts), so a link finds its bin in the Bins view.
type BinRef = Extract<ExplainRef, { kind: 'bin' }>;
export function binRef(kind: BinKind, index: number): BinRef {
  const label = kind === 'tcache' ? `tcache[${hx(32 + 16 * index)}]`
    : kind === 'fastbin' ? `fastbin[${hx(32 + 16 * index)}]`
    : kind === 'unsorted' ? 'unsorted'
    : kind === 'small' ? `smallbin[${hx(index * 16)}]`
    : `largebin[${index}]`;
  return { kind: 'bin', binKind: kind, index: kind === 'unsorted' ? 1 : index, label };
}
// glibc's bin number (1 unsorted, 2-63 small, 64-126 large) as a bin
const binNumber = (b: number): BinRef => (b === 1 ? binRef('unsorted', 1) : b < 64 ? binRef('small', b) : binRef('large', b));

// Writes paragraphs: strings become text, refs become links (with their own text).
class Writer {
  readonly paragraphs: ExplainParagraph[] = [];
  private cur: ExplainRun[] | null = null;
  para(...parts: (string | ExplainRun | null | false | undefined)[]): void {
    this.cur = [];
    this.paragraphs.push(this.cur);
    this.add(...parts);
  }
  add(...parts: (string | ExplainRun | null | false | undefined)[]): void {
    if (!this.cur) { this.para(...parts); return; }
    for (const p of parts) {
      if (!p) continue;
      const last = this.cur[this.cur.length - 1];
      if (typeof p === 'string') { if (last && !last.ref) last.text += p; else this.cur.push({ text: p }); }
      else this.cur.push(p);
    }
  }
}
const link = (text: string, ref: ExplainRef | null): ExplainRun => (ref ? { text, ref } : { text });
const binLink = (b: BinRef, text = b.label): ExplainRun => link(text, b);

function callText(c: CallRecord): string {
  if (!c.finished && !c.args.length) return `${c.fn}(…)`;   // an aborted call's arguments are not recorded
  // as the CLI prints arguments
  const arg = (a: Val) => (typeof a === 'bigint' || a > 0xffff ? hx(big(a)) : String(a));
  return `${c.fn}(${c.args.map(arg).join(', ')})`;
}
export { callText };

export function resultText(c: CallRecord): string {
  if (!c.finished || c.ret === null) return '';
  if (c.fn === 'free' || c.fn === 'malloc_usable_size' || c.fn === 'malloc_trim' || c.fn === 'mallopt' || c.fn === 'posix_memalign') return String(c.ret);
  return big(c.ret) === 0n ? 'NULL' : hx(big(c.ret));
}


interface Ctx {
  w: Writer; env: ProseEnv; c: CallRecord;
  i: number;                       // the why line being told
  nb: number | null;               // the chunk size the request needs
  prev: string;                    // the kind of the previous line
  searched: boolean;               // _int_malloc's search was introduced
  told: Set<SyscallEvent>;         // system calls already linked in the story
}

const sys = (ctx: Ctx, name: string, pick?: (e: SyscallEvent) => boolean): ExplainRun | null => {
  const e = [...ctx.c.syscalls].reverse().find((s) => s.name === name && (!pick || pick(s)) && !ctx.told.has(s))
    ?? [...ctx.c.syscalls].reverse().find((s) => s.name === name && (!pick || pick(s)));
  if (!e) return null;
  ctx.told.add(e);
  return link(syscallText(e), { kind: 'syscall', name: e.name, args: e.args, ret: e.ret });
};
export function syscallText(e: SyscallEvent): string {
  const v = (a: number | string) => (typeof a === 'number' && a > 0xffff ? hx(a) : String(a));
  return `${e.name}(${e.args.map(v).join(', ')}) = ${v(e.ret)}`;
}
const src = (ctx: Ctx, fn: string, text = fn): ExplainRun => link(text, ctx.env.source(fn, ctx.i));
const chunk = (ctx: Ctx, a: string, size: number | null, text = a): ExplainRun => {
  const addr = num(a);
  return link(text, addr !== null ? ctx.env.chunk(addr, size) : null);
};
const mapping = (text: string, start: number | null, end: number | null): ExplainRun =>
  link(text, start !== null && end !== null && end > start ? { kind: 'mapping', start, end } : null);

// What _int_malloc looked at, and found nothing in, before reaching `reached`: opens the
// paragraph that the line's rule continues (true), or leaves that to the rule (false).
function misses(ctx: Ctx, reached: 'fastbin' | 'smallbin' | 'unsorted' | 'largebin' | 'binmap' | 'top' | 'sysmalloc'): boolean {
  if (ctx.searched || ctx.nb === null) return false;
  ctx.searched = true;
  const nb = ctx.nb, order = ['fastbin', 'smallbin', 'unsorted', 'largebin', 'binmap', 'top', 'sysmalloc'];
  const before = (k: string) => order.indexOf(k) < order.indexOf(reached);
  const empty: string[] = [];
  if (before('fastbin') && nb <= MAX_FAST) empty.push(`the ${hx(nb)} fastbin`);
  if (before('smallbin') && nb < MIN_LARGE) empty.push(`the ${hx(nb)} small bin`);
  if (before('unsorted')) empty.push('the unsorted bin');
  if (before('largebin') && nb >= MIN_LARGE) empty.push('the large bin of its size');
  if (before('binmap')) empty.push('every bigger bin (by the binmap)');
  if (!empty.length) return false;
  const list = empty.length === 1 ? empty[0] : `${empty.slice(0, -1).join(', ')} and ${empty[empty.length - 1]}`;
  ctx.w.para(src(ctx, '_int_malloc'), ` searched ${list} for a ${hx(nb)} chunk and found none. `);
  return true;
}
// a paragraph of its own, or the rest of the one misses() opened
const start = (ctx: Ctx, opened: boolean, ...parts: (string | ExplainRun | null | false | undefined)[]): void => {
  if (opened) ctx.w.add(...parts); else ctx.w.para(...parts);
};

type Rule = [RegExp, (m: RegExpExecArray, ctx: Ctx) => void];

// What the commonest checks saw (malloc.c's messages).
const ABORTS: [RegExp, string][] = [
  [/double free detected in tcache/, 'The chunk\'s second word held tcache_key, the mark of a chunk in tcache, so free walked the tcache bin of its size and found the chunk already there: it was freed twice.'],
  [/double free or corruption \(fasttop\)/, 'The chunk is already the first one of its fastbin, the last fast chunk freed: it was freed twice in a row.'],
  [/double free or corruption \(!prev\)/, 'The next chunk\'s PREV_INUSE bit says this chunk is already free.'],
  [/free\(\): invalid pointer/, 'The pointer is not one malloc returned: misaligned, or its size field would make the chunk wrap around the address space.'],
  [/free\(\): invalid size/, 'The chunk\'s size field is smaller than the smallest chunk or not a multiple of 16: the header was overwritten.'],
  [/malloc\(\): corrupted top size/, 'The top chunk\'s size field is larger than the heap can hold: something wrote over it (the check that stops the house of force).'],
  [/corrupted size vs\. prev_size/, 'A chunk\'s size and the prev_size field of the chunk after it disagree: a header was overwritten.'],
];
const H = '(0x[0-9a-f]+)';
const S = (n: string | number) => num(String(n));

const RULES: Rule[] = [
  // --- tcache_init (malloc.ts) ---
  [/^tcache_init: the first call allocates/, (_m, ctx) => {
    ctx.w.para('This is the first allocator call of the process, so ', src(ctx, 'tcache_init'),
      ' first sets up the thread\'s cache: it allocates the tcache_perthread_struct (a 0x290 chunk holding a count and a list head for each of the 64 tcache bins) the way any request is served.');
    const key = sys(ctx, 'getrandom');
    if (key) ctx.w.add(' Before that, ptmalloc_init drew tcache_key, the random mark free puts in each chunk it caches (to catch double frees), with ', key, '.');
    ctx.prev = 'tcache_init';
    ctx.searched = true;   // no arena to search yet: the heap itself is about to be made
  }],
  [new RegExp(`^tcache_init: tcache_perthread_struct at ${H}; now the request itself`), (m, ctx) => {
    ctx.w.para('The tcache_perthread_struct is the chunk at ', chunk(ctx, m[1], 0x290), '. Only now does malloc turn to the request itself; tcache is brand new and empty, so it goes on to ', src(ctx, '_int_malloc'), '.');
    ctx.prev = 'request';
    ctx.searched = false;
  }],
  // --- tcache hits (api.ts, malloc.ts) ---
  [new RegExp(`^tcache_get: bin (\\d+) \\(chunk ${H}\\) had (\\d+) chunks?`), (m, ctx) => {
    const n = Number(m[3]);
    ctx.w.para('The tcache bin ', binLink(binRef('tcache', Number(m[1]))),
      ` held ${n} chunk${n === 1 ? '' : 's'}, so malloc took the most recently freed one with `, src(ctx, 'tcache_get'),
      ': no lock, no search, no look at the arena. tcache is last in, first out, which is why a free followed by a malloc of the same size returns the same pointer.');
  }],
  [/^tcache_get: bin (\d+) \((unsorted limit reached|filled from unsorted)\)/, (m, ctx) => {
    const b = binRef('tcache', Number(m[1]));
    ctx.w.para(m[2] === 'filled from unsorted'
      ? 'Sorting the unsorted bin had put exact fits into '
      : 'Sorting stopped at tcache_unsorted_limit; exact fits were already in ', binLink(b),
      ', so malloc returned one of them with ', src(ctx, 'tcache_get'), '.');
  }],
  // --- _int_malloc's bins (malloc.ts) ---
  [new RegExp(`^fastbin (\\d+) hit: chunk ${H} \\(${H}\\)`), (m, ctx) => {
    ctx.searched = true;
    const b = binRef('fastbin', Number(m[1]));
    ctx.w.para(src(ctx, '_int_malloc'), ' looked in the fastbins first: ', binLink(b),
      ' held ', chunk(ctx, m[2], S(m[3])), ', and it took that one (fastbins are last in, first out).');
    ctx.searched = true;
  }],
  [/^\s*(\d+) more from (fastbin|smallbin) (\d+) stashed in tcache bin (\d+)/, (m, ctx) => {
    const n = Number(m[1]), t = binRef('tcache', Number(m[4]));
    ctx.w.para(`While there, it moved ${n} more chunk${n === 1 ? '' : 's'} of this size from that ${m[2] === 'fastbin' ? 'fastbin' : 'small bin'} into `,
      binLink(t), ', so the next requests of this size are served from tcache without coming back here.');
  }],
  [new RegExp(`^smallbin (\\d+) hit: chunk ${H}`), (m, ctx) => {
    const opened = misses(ctx, 'smallbin');
    const b = binRef('small', Number(m[1]));
    start(ctx, opened, src(ctx, '_int_malloc'), ' found the small bin for this size, ', binLink(b), ', not empty, and took its oldest chunk, ',
      chunk(ctx, m[2], Number(m[1]) * 16), ' (small bins are first in, first out).');
    ctx.searched = true;
  }],
  [new RegExp(`^last_remainder split: chunk ${H}, remainder ${H} \\(${H}\\) stays in unsorted`), (m, ctx) => {
    const opened = misses(ctx, 'unsorted');
    start(ctx, opened, 'The unsorted bin held only the last remainder (the rest of an earlier split), big enough for this small request, so ', src(ctx, '_int_malloc'),
      ' split it: ', chunk(ctx, m[1], ctx.nb), ' for the request, and the remainder ', chunk(ctx, m[2], S(m[3])), ` (${m[3]}) stays in the `, binLink(binRef('unsorted', 1), 'unsorted bin'), '.');
  }],
  [new RegExp(`^unsorted: exact fit ${H}( moved to tcache bin (\\d+))?`), (m, ctx) => {
    if (!misses(ctx, 'unsorted')) ctx.w.para();
    if (m[2]) {
      const t = binRef('tcache', Number(m[3]));
      ctx.w.add(src(ctx, '_int_malloc'), ' sorted the ', binLink(binRef('unsorted', 1), 'unsorted bin'), ': ', chunk(ctx, m[1], ctx.nb),
        ' was an exact fit, and as ', binLink(t), ' had room it went there first, so that more exact fits can follow it.');
    } else {
      ctx.w.add(src(ctx, '_int_malloc'), ' sorted the ', binLink(binRef('unsorted', 1), 'unsorted bin'), ': ', chunk(ctx, m[1], ctx.nb), ' was an exact fit, and it returned that chunk.');
    }
  }],
  [new RegExp(`^unsorted: ${H} \\(${H}\\) -> (smallbin|largebin) (\\d+)`), (m, ctx) => {
    const opened = misses(ctx, 'unsorted');
    const b = m[3] === 'smallbin' ? binRef('small', Number(m[4])) : binRef('large', Number(m[4]));
    start(ctx, opened, 'Sorting the ', binLink(binRef('unsorted', 1), 'unsorted bin'), ', ', src(ctx, '_int_malloc'), ' found ', chunk(ctx, m[1], S(m[2])),
      ` (${m[2]}), which was not an exact fit, and put it into its ${m[3] === 'smallbin' ? 'small' : 'large'} bin, `, binLink(b), '.');
  }],
  [new RegExp(`^largebin (\\d+) best fit ${H} \\(${H}\\), (used whole|remainder ${H} -> unsorted)`), (m, ctx) => {
    const opened = misses(ctx, 'largebin');
    const b = binRef('large', Number(m[1]));
    start(ctx, opened, src(ctx, '_int_malloc'), ' took the smallest chunk that fits from ', binLink(b), ': ', chunk(ctx, m[2], S(m[3])), ` (${m[3]}), `,
      m[4] === 'used whole' ? 'used whole, since what would be left is smaller than the smallest chunk.'
        : `split: the remainder of ${m[5]} goes to the `, m[4] !== 'used whole' && binLink(binRef('unsorted', 1), 'unsorted bin'), m[4] !== 'used whole' && '.');
  }],
  [new RegExp(`^bin (\\d+) \\(next non-empty by binmap\\): ${H} \\(${H}\\)( split, remainder ${H} -> unsorted( \\(last_remainder\\))?|, used whole)`), (m, ctx) => {
    const opened = misses(ctx, 'binmap');
    const b = binNumber(Number(m[1]));
    start(ctx, opened, opened ? 'So it' : 'No bin of this size had a chunk, so ', !opened && src(ctx, '_int_malloc'), ' used the binmap to find the next bigger bin in use, ', binLink(b),
      ', and took ', chunk(ctx, m[2], S(m[3])), ` (${m[3]})`);
    if (m[5]) ctx.w.add(`, split: the remainder of ${m[5]} goes to the `, binLink(binRef('unsorted', 1), 'unsorted bin'), m[6] ? ' and becomes the last remainder.' : '.');
    else ctx.w.add(', used whole.');
  }],
  [new RegExp(`^top split: chunk ${H} \\(${H}\\), top now ${H} size ${H}`), (m, ctx) => {
    const after = ctx.prev === 'sysmalloc';
    const opened = !after && misses(ctx, 'top');
    start(ctx, opened, after ? 'Then ' : opened ? 'So it' : 'Nothing in the bins fitted, so ', !opened && src(ctx, after ? 'sysmalloc' : '_int_malloc'), ' carved the ', m[2], ' chunk ',
      chunk(ctx, m[1], S(m[2])), ' from the start of top, the free space at the end of the heap: top now starts at ', chunk(ctx, m[3], S(m[4]), m[3]),
      ` with ${m[4]} bytes left, from which later requests are carved without a system call.`);
    ctx.prev = 'top';
  }],
  [/^malloc_consolidate: (\d+) fast chunks? merged into unsorted\/top/, (m, ctx) => {
    const n = Number(m[1]);
    const fn = ctx.c.fn;
    const why = fn === 'free' ? 'The merged chunk was large (at least 64 KiB, FASTBIN_CONSOLIDATION_THRESHOLD), so free emptied the fastbins: '
      : fn === 'mallopt' ? 'mallopt first empties the fastbins (a new setting may change which chunks are fast): '
      : fn === 'malloc' || fn === 'calloc' ? 'A large request first empties the fastbins, to fight fragmentation: '
      : `${fn} first empties the fastbins: `;
    ctx.w.para(why, src(ctx, 'malloc_consolidate'), n ? ` merged ${n} fast chunk${n === 1 ? '' : 's'} with ${n === 1 ? 'its' : 'their'} free neighbours and moved the result to the `
      : ' found no fast chunk to merge into the ', binLink(binRef('unsorted', 1), 'unsorted bin'), ' or into top.');
  }],
  // --- sysmalloc (malloc.ts) ---
  [new RegExp(`^sysmalloc: mmap ${H} bytes at ${H} \\(request ${H} >= mmap_threshold ${H}\\)`), (m, ctx) => {
    const opened = misses(ctx, 'sysmalloc');
    const size = S(m[1]), at = S(m[2]);
    start(ctx, opened, 'top could not serve a ', m[3], ' chunk, and the request is at least mmap_threshold (', m[4], '), so ', src(ctx, 'sysmalloc'),
      ' gave it a mapping of its own with ', sys(ctx, 'mmap') ?? 'mmap', ': ', mapping(`${m[1]} bytes at ${m[2]}`, at, at !== null && size !== null ? at + size : null),
      '. The chunk ', chunk(ctx, m[2], size), ' is marked IS_MMAPPED; free will give the whole mapping back to the kernel with munmap.');
    ctx.prev = 'sysmalloc';
  }],
  [new RegExp(`^sysmalloc: brk \\+${H} \\(heap grows from ${H}\\)`), (m, ctx) => {
    const opened = misses(ctx, 'sysmalloc');
    const size = S(m[1]), from = S(m[2]);
    const end = size !== null && from !== null ? from + size : null;
    const first = ctx.c.why.slice(0, ctx.i).some((w) => w.startsWith('tcache_init: the first call'));
    start(ctx, opened, first ? 'There is no heap yet, so ' : `top was too small for a ${ctx.nb !== null ? hx(ctx.nb) : ''} chunk, so `, src(ctx, 'sysmalloc'),
      ' asked the kernel for more with ', sys(ctx, 'brk', (e) => end !== null && Number(e.args[0]) === end) ?? 'brk',
      ': the program break moved up by ', m[1], size !== null ? ` (${kib(size)}: enough for the request and M_TOP_PAD's 128 KiB of slack, less what top already had, rounded up to whole pages)` : '',
      ', and the heap now reaches ', mapping(end !== null ? hx(end) : m[2], from, end),
      '. The kernel only reserves these pages; each is given RAM at its first touch, by a page fault.');
    ctx.prev = 'sysmalloc';
  }],
  [new RegExp(`^sysmalloc: brk failed; mmap ${H} bytes at ${H} as non-contiguous heap space`), (m, ctx) => {
    const size = S(m[1]), at = S(m[2]);
    ctx.w.para(src(ctx, 'sysmalloc'), ' could not move the program break (brk failed), so it mapped ', mapping(`${m[1]} bytes at ${m[2]}`, at, at !== null && size !== null ? at + size : null),
      ' with ', sys(ctx, 'mmap') ?? 'mmap', ' and uses them as more, non-contiguous, heap.');
    ctx.prev = 'sysmalloc';
  }],
  [/^sysmalloc: foreign sbrk detected; old top fenced off/, (_m, ctx) => {
    ctx.w.para('Someone else had moved the program break since glibc last did, so ', src(ctx, 'sysmalloc'), ' fenced off the old top (it can no longer grow in place) and starts a new one.');
  }],
  [/^sysmalloc: no memory \(brk and mmap failed\): ENOMEM/, (_m, ctx) => {
    ctx.w.para(src(ctx, 'sysmalloc'), ' asked the kernel for memory with brk and then mmap, and both failed: malloc returns NULL with errno ENOMEM.');
  }],
  [/^request too large \(> PTRDIFF_MAX\): ENOMEM|^malloc\((0x[0-9a-f]+)\): larger than PTRDIFF_MAX/, (_m, ctx) => {
    ctx.w.para('The request is larger than PTRDIFF_MAX, more than any object may be: ', src(ctx, 'malloc'), ' returns NULL with errno ENOMEM at once.');
  }],
  // --- free (free.ts, api.ts) ---
  [/^free\(NULL\) does nothing/, (_m, ctx) => { ctx.w.para('free(NULL) does nothing, as C requires.'); }],
  [new RegExp(`^free: tcache_put ${H} into tcache bin (\\d+) \\(count (\\d+)/(\\d+)\\)`), (m, ctx) => {
    const b = binRef('tcache', Number(m[2]));
    const size = 32 + 16 * Number(m[2]);
    ctx.w.para('The chunk ', chunk(ctx, m[1], size), ` is ${hx(size)} bytes, a size tcache caches, and `, binLink(b),
      ' had room, so ', src(ctx, '_int_free'), ' put it there with ', src(ctx, 'tcache_put'), `: the bin now holds ${m[3]} of its ${m[4]}.`,
      m[3] === m[4] ? ' The bin is now full: the next free of this size will go to a fastbin or the unsorted bin.' : '',
      ' The chunk stays marked in use (its neighbour\'s PREV_INUSE bit is not cleared), so it is never merged with its neighbours while it waits here, and free returns without taking the arena\'s lock.');
  }],
  [new RegExp(`^free: ${H} into fastbin (\\d+) \\(${H}\\)`), (m, ctx) => {
    const b = binRef('fastbin', Number(m[2]));
    const size = S(m[3]);
    const t = binRef('tcache', Number(m[2]));
    ctx.w.para(...(ctx.env.tcacheCount === 0 ? ['With tcache turned off (tcache_count 0), '] : ['The tcache bin ', binLink(t), ` was already full (${ctx.env.tcacheCount} chunks), so `]), src(ctx, '_int_free'), ' put the chunk ', chunk(ctx, m[1], size), ' into ', binLink(b),
      `: it is at most global_max_fast (${hx(MAX_FAST)}). Fastbins are singly linked, last in, first out, and their chunks also stay marked in use, so they are not merged with their neighbours until malloc_consolidate runs.`);
  }],
  [new RegExp(`^free: (consolidated ([^;]+); )?(${H} \\(${H}\\) into unsorted|merged into top: top now ${H} size ${H})`), (m, ctx) => {
    const parts = m[2] ? m[2].split(', ').map((p) => /^(backward|forward) with (0x[0-9a-f]+)$/.exec(p)).filter((x): x is RegExpExecArray => !!x) : [];
    const toTop = m[3].startsWith('merged');
    const addr = toTop ? m[6] : m[4], size = toTop ? m[7] : m[5];
    const mem = ctx.c.args[0] !== undefined ? Number(ctx.c.args[0]) - 16 : null;
    const own = mem !== null ? chunk(ctx, hx(mem), null) : null;
    const alone = !parts.length && !toTop ? S(size) : null;   // the chunk's own size, when nothing was merged
    const tcache = alone === null ? 'tcache did not take it (its bin was full, or the chunk is above tcache\'s largest size, 0x410)'
      : alone > TCACHE_MAX ? `it is above tcache's largest size (${hx(TCACHE_MAX)})` : `its tcache bin was full`;
    ctx.w.para('The chunk ', own ?? '', own ? ' ' : '', `is too big for a fastbin (above ${hx(MAX_FAST)}) and `, tcache, ', so ', src(ctx, '_int_free'), ' freed it into the arena');
    if (parts.length) {
      ctx.w.add(', first merging it with its free neighbours: ');
      parts.forEach((p, k) => ctx.w.add(k ? ' and ' : '', `${p[1]} with `, chunk(ctx, p[2], null)));
    }
    if (toTop) ctx.w.add(parts.length ? '; ' : ': ', 'it borders top, so it became part of top, which now starts at ', chunk(ctx, addr, S(size)), ` with ${size} bytes.`);
    else ctx.w.add(parts.length ? '; ' : ': ', 'the free chunk ', chunk(ctx, addr, S(size)), ` (${size}) went into the `, binLink(binRef('unsorted', 1), 'unsorted bin'),
      ', where the next malloc that searches the bins will either use it or sort it into its small or large bin.');
  }],
  [new RegExp(`^free: mmap_threshold raised to ${H}, trim_threshold ${H}`), (m, ctx) => {
    ctx.w.para('The chunk was mmapped and bigger than mmap_threshold, so ', src(ctx, 'free'), ' raised mmap_threshold to ', m[1], ' and trim_threshold to ', m[2],
      ' (glibc\'s dynamic threshold): later requests of this size will come from the heap rather than from a mapping of their own.');
  }],
  [new RegExp(`^free: munmap_chunk ${H} bytes at ${H}`), (m, ctx) => {
    const size = S(m[1]), at = S(m[2]);
    ctx.w.para('The chunk was mmapped (IS_MMAPPED), so ', src(ctx, 'munmap_chunk'), ' gave its whole mapping, ', mapping(`${m[1]} bytes at ${m[2]}`, at, at !== null && size !== null ? at + size : null),
      ', back to the kernel with ', sys(ctx, 'munmap') ?? 'munmap', ': VSZ shrinks at once, and so does RSS by the pages that were resident.');
  }],
  [new RegExp(`^systrim: brk -${H} \\(top was ${H}, pad ${H}\\)`), (m, ctx) => {
    const size = S(m[1]);
    const e = ctx.c.syscalls.filter((s) => s.name === 'brk').pop();
    const end = e ? S(String(e.ret)) : null;
    ctx.w.para(ctx.c.fn === 'malloc_trim' ? 'malloc_trim asked for it, so ' : `top had grown beyond trim_threshold, so `, src(ctx, 'systrim'),
      ` gave the top's whole free pages back to the kernel (top was ${m[2]}, keeping ${m[3]} of padding): `, sys(ctx, 'brk') ?? 'brk', ' lowered the program break by ', m[1], ', unmapping ',
      mapping(size !== null ? kib(size) : m[1], end, end !== null && size !== null ? end + size : null), '.');
  }],
  [new RegExp(`^malloc_trim: madvise\\(MADV_DONTNEED\\) ${H} bytes`), (m, ctx) => {
    ctx.w.para(src(ctx, 'malloc_trim'), ' also told the kernel, with ', sys(ctx, 'madvise') ?? 'madvise(MADV_DONTNEED)', `, that it no longer needs the ${m[1]} bytes of whole pages inside free chunks: they stay mapped but stop counting in RSS.`);
  }],
  [/^tcache key matched but the chunk is not in the bin/, (_m, ctx) => {
    ctx.w.para('The word where tcache keeps its key happened to hold tcache\'s key, so ', src(ctx, '_int_free'), ' walked the bin looking for a double free: the chunk was not there, a coincidence.');
  }],
  [/^chunk has NON_MAIN_ARENA: its arena is ar_ptr of the heap_info at (0x[0-9a-f]+): (0x[0-9a-f]+)/, (m, ctx) => {
    ctx.w.para('The chunk has NON_MAIN_ARENA set, so glibc takes its arena from the heap_info at ', m[1], ' (its ar_ptr, ', m[2], ') instead of main_arena.');
  }],
  [/^abort: (.*)$/, (m, ctx) => {
    const why = ABORTS.find(([re]) => re.test(m[1]))?.[1];
    ctx.w.para('One of glibc\'s integrity checks failed: “', m[1], '”.', why ? ` ${why}` : '', ' glibc does not try to repair its heap: it calls abort, and SIGABRT ends the program with status 134.');
  }],
  // --- the other entry points (api.ts) ---
  [/^calloc: n \* size overflows/, (_m, ctx) => { ctx.w.para(src(ctx, 'calloc'), ': n × size does not fit in a size_t, so calloc returns NULL with errno ENOMEM.'); }],
  [/^calloc: fresh mmapped memory is already zero/, (_m, ctx) => { ctx.w.para('The chunk is a fresh mapping, which the kernel fills with zeroes, so ', src(ctx, 'calloc'), ' clears nothing.'); }],
  [new RegExp(`^calloc: only ${H} bytes cleared`), (m, ctx) => { ctx.w.para(src(ctx, 'calloc'), ' cleared only ', m[1], ' bytes: the rest of the chunk came fresh from the kernel, which zeroes pages.'); }],
  [/^realloc\(p, 0\) frees p and returns NULL/, (_m, ctx) => { ctx.w.para('realloc(p, 0) frees p and returns NULL; what the free did follows.'); }],
  [/^realloc\(NULL, n\) is malloc\(n\)/, (_m, ctx) => { ctx.w.para('realloc(NULL, n) is malloc(n); what the malloc did follows.'); }],
  [/^realloc: mmapped chunk keeps its pages/, (_m, ctx) => { ctx.w.para('The chunk is mmapped and the new size needs the same number of pages, so ', src(ctx, 'realloc'), ' keeps it as it is.'); }],
  [new RegExp(`^realloc: mremap of the mmapped chunk ${H} -> ${H} bytes( \\(moved to ${H}\\)| \\(in place\\))`), (m, ctx) => {
    ctx.w.para('The chunk is mmapped, so ', src(ctx, 'mremap_chunk'), ' resized its mapping from ', m[1], ' to ', m[2], ' bytes with ', sys(ctx, 'mremap') ?? 'mremap',
      m[4] ? `, which moved it to ${m[4]}: the kernel moves the pages, nothing is copied.` : ', in place.');
  }],
  [/^realloc: already big enough/, (_m, ctx) => { ctx.w.para('The chunk is already big enough, so ', src(ctx, '_int_realloc'), ' keeps it where it is (any excess beyond the smallest chunk is split off and freed).'); }],
  [new RegExp(`^realloc: grown in place into top; top now ${H}`), (m, ctx) => { ctx.w.para('The chunk borders top, so ', src(ctx, '_int_realloc'), ' grew it in place into top, which now starts at ', m[1], '.'); }],
  [new RegExp(`^realloc: grown in place into the free chunk ${H}`), (m, ctx) => { ctx.w.para('The next chunk, ', chunk(ctx, m[1], null), ', was free and big enough, so ', src(ctx, '_int_realloc'), ' grew the chunk in place into it.'); }],
  [/^realloc: the new chunk was the next one: merged in place/, (_m, ctx) => { ctx.w.para('The chunk malloc found was the very next one, so ', src(ctx, '_int_realloc'), ' merged the two in place.'); }],
  [new RegExp(`^realloc: moved to ${H}, old chunk freed`), (m, ctx) => {
    const p = S(m[1]);
    ctx.w.para('It could not grow in place, so ', src(ctx, '_int_realloc'), ' allocated a new chunk, ', chunk(ctx, p !== null ? hx(p - 16) : m[1], null, m[1]), ', copied the data and freed the old one.');
  }],
  [new RegExp(`^realloc: remainder ${H} split off and freed`), (m, ctx) => { ctx.w.para(src(ctx, '_int_realloc'), ' split the unneeded ', m[1], ' bytes off the end of the chunk and freed them.'); }],
  [new RegExp(`^memalign: aligned inside the mmapped chunk \\(prev_size ${H}\\)`), (m, ctx) => { ctx.w.para('The chunk is mmapped, so ', src(ctx, '_int_memalign'), ' moved its start to the alignment and records the offset in prev_size (', m[1], ').'); }],
  [new RegExp(`^memalign: (leading|trailing) ${H} bytes given back`), (m, ctx) => { ctx.w.para(src(ctx, '_int_memalign'), ' asked for more than needed and freed the ', m[1], ' ', m[2], ' bytes around the aligned chunk.'); }],
  [/^mallopt\((-?\d+), (-?\d+)\) = (-?\d+)/, (m, ctx) => { ctx.w.para(src(ctx, 'mallopt'), ` set parameter ${m[1]} to ${m[2]} and returned ${m[3]}${m[3] === '1' ? ' (success)' : ' (refused)'}.`); }],
  [/^reallocarray: n \* size overflows/, (_m, ctx) => { ctx.w.para('n × size does not fit in a size_t, so ', src(ctx, 'reallocarray'), ' returns NULL with errno ENOMEM and leaves the old block alone.'); }],
];

// The call and its result, before its path.
function intro(ctx: Ctx): void {
  const { c, w } = ctx;
  const call = callText(c);
  if (c.fn === 'malloc' && c.args.length === 1) {
    const n = big(c.args[0]);
    w.para(`${call} asks for ${n} byte${n === 1n ? '' : 's'}. glibc serves every request with a chunk: the request plus the 8-byte size field, rounded up to a multiple of 16 and at least 0x20`,
      ctx.nb !== null ? `, here ${hx(ctx.nb)}.` : '.');
  } else if (c.fn === 'free' && c.args.length === 1) {
    const p = big(c.args[0]);
    if (p === 0n) return;
    w.para(`${call} frees the chunk whose user memory starts at ${hx(p)}: glibc finds its header 16 bytes lower, at `, chunk(ctx, hx(p - 16n), null), ', where the size field says how big it is.');
  } else w.para(c.finished ? `${call} ran.` : `${call} was called.`);
  if (c.by) w.add(` The C library made this call itself (${c.by === 'stdio' ? 'the buffer of stdout, at the program\'s first output' : c.by}).`);
  if (!c.finished) { w.add(' It never returned: one of glibc\'s checks stopped the program.'); return; }
  if (RETURNS_CHUNK.has(c.fn) && c.ret !== null) {
    const r = big(c.ret);
    if (r === 0n) w.add(' It returned NULL.');
    else w.add(` It returned ${hx(r)}, the user memory of the chunk at `, chunk(ctx, hx(r - 16n), resultSize(ctx)), '.');
  } else if (c.ret !== null) w.add(` It returned ${resultText(c)}.`);
}

// The size of the chunk returned: what the path says, else the request's chunk size.
function resultSize(ctx: Ctx): number | null {
  for (const line of ctx.c.why) {
    const mm = /^sysmalloc: mmap (0x[0-9a-f]+) bytes/.exec(line);
    if (mm) return num(mm[1]);
    const t = /^tcache_get: bin \d+ \(chunk (0x[0-9a-f]+)\)/.exec(line);
    if (t) return num(t[1]);
    const w = /(?:best fit|binmap\)): 0x[0-9a-f]+ \((0x[0-9a-f]+)\)(?:,)? used whole/.exec(line);
    if (w) return num(w[1]);
  }
  return ctx.nb;
}

export function explainProse(c: CallRecord, env: ProseEnv): ExplainParagraph[] {
  const w = new Writer();
  const req = c.fn === 'malloc' && c.args.length === 1 ? request2size(big(c.args[0])) : null;
  const ctx: Ctx = { w, env, c, i: -1, nb: req !== null ? Number(req) : null, prev: '', searched: false, told: new Set() };
  intro(ctx);
  const tcacheHit = c.why.some((l) => l.startsWith('tcache_get:'));
  const inits = c.why.some((l) => l.startsWith('tcache_init:'));
  // a malloc that went past tcache: say why before the first line of _int_malloc's search
  if (c.fn === 'malloc' && !tcacheHit && !inits && ctx.nb !== null && c.why.length && !/^(malloc\(|request too large)/.test(c.why[0])) {
    w.para(ctx.nb <= TCACHE_MAX ? `tcache had no free ${hx(ctx.nb)} chunk, so malloc went on to ` : `A ${hx(ctx.nb)} chunk is beyond tcache's largest size (${hx(TCACHE_MAX)}), so malloc went straight to `,
      link('_int_malloc', env.source('_int_malloc', 0)), ', the arena\'s own search.');
  }
  c.why.forEach((line, i) => {
    ctx.i = i;
    if (/^tcache_init: tcache_perthread_struct/.test(line)) ctx.nb = req !== null ? Number(req) : null;
    else if (/^tcache_init: the first call/.test(line)) ctx.nb = 0x290;
    const rule = RULES.find(([re]) => re.test(line));
    if (rule) rule[1](rule[0].exec(line)!, ctx);
    else {
      const m = /^(\w+): (.*)$/.exec(line.trim());
      if (m) w.para(src(ctx, m[1]), `: ${m[2]}.`);
      else w.para(line.trim().replace(/^./, (ch) => ch.toUpperCase()), '.');
    }
  });
  if (!c.why.length) {
    w.para(c.fn === 'malloc_usable_size'
      ? 'malloc_usable_size only reads the chunk\'s size field: what the program may use is the chunk\'s size less its own 8-byte size field (an mmapped chunk: less 16), since the next chunk\'s prev_size field is free for the data of a chunk in use.'
      : 'The allocator took no decision worth narrating in this call.');
  }
  closing(ctx);
  return w.paragraphs;
}

// The system calls and page faults of the call: or the lesson that there were none.
function closing(ctx: Ctx): void {
  const { c, w } = ctx;
  if (!c.syscalls.length) {
    if (c.finished && c.why.length) w.para(`No system call: ${c.fn} served this from memory the process already had. malloc and free are library functions, not system calls.`);
  } else {
    w.para(`System calls made by glibc during the call: `);
    c.syscalls.forEach((e, k) => w.add(k ? ', ' : '', link(syscallText(e), { kind: 'syscall', name: e.name, args: e.args, ret: e.ret })));
    w.add('.');
  }
  if (c.faults.length) {
    const n = Math.max(c.faultCount ?? 0, c.faults.length);
    w.para(`During the statement, up to the call's return, ${n} page${n === 1 ? ' was' : 's were'} touched for the first time and given RAM by a page fault: `);
    c.faults.slice(0, 8).forEach((p, k) => w.add(k ? ', ' : '', mapping(hx(p), p, p + 4096)));
    w.add(n > 8 ? ', ...' : '', '.');
  }
}

// Whether a `why` line has a shape the prose knows (the others are kept as written).
export function recognised(line: string): boolean {
  return RULES.some(([re]) => re.test(line));
}
