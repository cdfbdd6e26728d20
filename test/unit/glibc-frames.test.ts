// glibc's frames in the trace (the debugger's step into malloc): with `traceFrames`, every
// narrating function is bracketed by enter/leave marks placed among the `why` lines, with its
// arguments and the values it computes; without it, none; and either way the allocator does
// exactly the same thing.
import { strict as assert } from 'node:assert';
import { DEFAULT_CONFIG } from '../../src/machine/config';
import { createGlibc } from '../../src/machine/glibc/index';
import type { Allocator, TraceEntry } from '../../src/machine/glibc/types';
import { computeLayout } from '../../src/machine/kernel/layout';
import { createProcess } from '../../src/machine/kernel/process';

function fresh(traceFrames: boolean): Allocator {
  const c = DEFAULT_CONFIG;
  const p = createProcess(c, { rodata: { addr: 0, bytes: new Uint8Array() }, dataSize: 0, bssSize: 0 }, computeLayout(c, { rodata: 0, data: 0, bss: 0 }));
  const g = createGlibc(p, { seed: 0 });
  g.traceFrames = traceFrames;
  return g;
}
const marks = (t: TraceEntry[]): TraceEntry[] => t.filter((e) => e.event === 'enter' || e.event === 'leave');

describe('glibc frames in the trace', () => {
  it('are off by default: no marks', () => {
    const g = createGlibc(createProcess(DEFAULT_CONFIG, { rodata: { addr: 0, bytes: new Uint8Array() }, dataSize: 0, bssSize: 0 }, computeLayout(DEFAULT_CONFIG, { rodata: 0, data: 0, bss: 0 })), { seed: 0 });
    g.malloc(24);
    assert.equal(g.traceFrames, false);
    assert.deepEqual(marks(g.trace), []);
  });

  it('the first malloc: malloc > tcache_init > _int_malloc > sysmalloc, then _int_malloc again, nested and placed among the why lines', () => {
    const g = fresh(true);
    g.malloc(24);
    const opened: string[] = [];
    const order: string[] = [];
    let lastWhy = 0;
    for (const e of g.trace) {
      if (e.why !== undefined) { assert.ok(e.why >= lastWhy && e.why <= g.why.length); lastWhy = e.why; }
      if (e.event === 'enter') { opened.push(e.fn); order.push(opened.join(' > ')); }
      if (e.event === 'leave') assert.equal(opened.pop(), e.fn);
    }
    assert.deepEqual(opened, []);
    assert.deepEqual(order, ['malloc', 'malloc > tcache_init', 'malloc > tcache_init > _int_malloc', 'malloc > tcache_init > _int_malloc > sysmalloc', 'malloc > _int_malloc']);
    const sys = g.trace.find((e) => e.fn === 'sysmalloc' && e.event === 'enter')!;
    assert.equal(sys.locals?.nb, 0x290);
    assert.match(g.why[sys.why!], /^sysmalloc: brk \+0x21000/);   // the first line inside it
    const notes = Object.assign({}, ...g.trace.filter((e) => e.fn === 'malloc' && e.event === 'locals').map((e) => e.locals));
    assert.deepEqual(notes, { tbytes: 0x20, tc_idx: 0 });
  });

  it('a check that aborts leaves its frames open: the stack at the abort', () => {
    const g = fresh(true);
    const p = g.malloc(24);
    g.free(p);
    assert.throws(() => g.free(p), /double free detected in tcache 2/);
    const open: string[] = [];
    for (const e of marks(g.trace)) { if (e.event === 'enter') open.push(e.fn); else open.pop(); }
    assert.deepEqual(open, ['free', '_int_free']);
    assert.match(g.why[g.why.length - 1], /^abort: free\(\): double free detected in tcache 2/);
  });

  it('change nothing the allocator does: the same pointers and the same heap with and without them', () => {
    const a = fresh(false), b = fresh(true);
    let x = 12345;
    const rnd = (n: number): number => { x = (x * 1103515245 + 12345) % 2147483648; return x % n; };
    const live: [number, number][] = [];
    for (let i = 0; i < 3000; i++) {
      const op = rnd(10);
      if (op < 5 || live.length === 0) {
        const n = [8, 24, 100, 500, 1100, 5000, 140000][rnd(7)];
        const pa = op === 0 ? a.calloc(2, n) : op === 1 ? a.memalign(64, n) : a.malloc(n);
        const pb = op === 0 ? b.calloc(2, n) : op === 1 ? b.memalign(64, n) : b.malloc(n);
        assert.equal(pb, pa);
        live.push([pa, pb]);
      } else if (op < 9) {
        const [pa, pb] = live.splice(rnd(live.length), 1)[0];
        a.free(pa); b.free(pb);
      } else {
        const k = rnd(live.length), n = [16, 300, 3000][rnd(3)];
        const ra = a.realloc(live[k][0], n), rb = b.realloc(live[k][1], n);
        assert.equal(rb, ra);
        live[k] = [ra, rb];
      }
    }
    a.malloc_trim(0); b.malloc_trim(0);
    assert.deepEqual(b.state(), a.state());
    assert.deepEqual(b.why, a.why);
  });
});
