// The `heapstep/state` snapshot: what it reports, and that reading it changes nothing in the
// machine (no fault, no TLB fill, no RSS change).
import { strict as assert } from 'node:assert';
import { buildState } from '../../src/debug/state-request';
import { MAX_PAGE_RUNS, PAGE_CLASSES, type PageClass } from '../../src/protocol/state';
import { PRESSURE_HEAP, scenario } from './states';

const TEXT = `char *p[12];
for (int i = 0; i < 12; i++) p[i] = malloc(0x28);
for (int i = 0; i < 9; i++) free(p[i]);
char *big = malloc(0x30000);
char *m = mmap(NULL, 4096 * 4, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
`;

describe('heapstep/state', () => {
  it('reads without side effects, even a page walk of a page never touched', () => {
    const sc = scenario(TEXT);
    sc.interp.run(1e9);
    // a page of the four mmapped ones, never touched
    let untouched = -1;
    for (const v of sc.proc.vmas()) for (let a = v.vm_start; a < v.vm_end && untouched < 0; a += 4096) if (v.kind === 'anon' && !sc.proc.inspect.isResident(a)) untouched = a;
    assert.ok(untouched > 0);
    const before = sc.proc.counters();
    const s = buildState(sc, untouched);
    assert.deepEqual(sc.proc.counters(), before);
    assert.equal(s.pagewalk!.present, false);
    assert.equal(s.pagewalk!.tlb, 'miss');
    assert.equal(sc.proc.inspect.isResident(untouched), false);
    assert.deepEqual(buildState(sc, untouched).pagewalk, s.pagewalk);
  });

  it('reports chunks, bins with decoded and raw fd, the mmapped chunk and the counts against the limit', () => {
    const sc = scenario(TEXT);
    sc.interp.run(1e9);
    const s = buildState(sc);
    const t = s.bins.tcache.find((b) => b.label === 'tcache[0x30]')!;
    assert.equal(t.count, 7);
    assert.equal(t.limit, 7);
    assert.equal(t.entries.length, 7);
    // the two fastbin chunks met in malloc_consolidate (the large request) and went to a small bin
    assert.deepEqual(s.bins.fastbins, []);
    assert.equal(s.bins.small[0].entries[0].size, 0x60);
    assert.equal(s.bins.small[0].entries[0].fd.raw, s.bins.small[0].entries[0].fd.decoded);
    for (let i = 0; i + 1 < t.entries.length; i++) assert.equal(BigInt(t.entries[i].fd.decoded), BigInt(t.entries[i + 1].addr + 16));
    assert.notEqual(t.entries[0].fd.raw, t.entries[0].fd.decoded);
    assert.equal(s.chunks.filter((c) => c.state === 'free').length, 8);
    assert.equal(s.chunks[s.chunks.length - 1].state, 'top');
    assert.equal(s.mmapped.length, 1);
    assert.ok(s.mmapped[0].size >= 0x30000 && (s.mmapped[0].flags & 2) !== 0);
    assert.equal(s.pagewalk!.levels.length, 4);
    assert.ok(s.mappings.some((m) => m.name === '[heap]' && m.residentPages > 0));
    assert.ok(s.rss > 0 && s.vsz > s.rss);
  });

  it('keeps one timeline point per stop, and marks what changed since the previous stop', () => {
    const sc = scenario('char *a = malloc(24);\nchar *b = malloc(24);\nfree(a);\n');
    sc.interp.run(2);
    const first = buildState(sc);
    sc.interp.run(1e9);
    const second = buildState(sc);
    const again = buildState(sc, undefined, false);
    assert.deepEqual(second.timeline.map((p) => p.step), [first.step, second.step]);
    assert.equal(again.timeline.length, 2);
    const freed = second.chunks.find((c) => c.state === 'free')!;
    assert.ok(freed.changed);
    assert.ok(again.chunks.find((c) => c.addr === freed.addr)!.changed, 'asking twice at one stop keeps the highlight');
  });
});

describe('heapstep/state: pages and memory pressure', () => {
  it('classes every page of every mapping as its page-table entry says, and the classes add up to RSS and swap in use', () => {
    const sc = scenario(PRESSURE_HEAP);
    sc.interp.run(1e9);
    const before = sc.proc.counters();
    const s = buildState(sc);
    assert.deepEqual(sc.proc.counters(), before);
    const seen: Record<PageClass, number> = { anon: 0, file: 0, dirty: 0, swap: 0, none: 0 };
    for (const m of s.mappings) {
      const classes = m.pageRuns.flatMap((r) => Array<PageClass>(r.pages).fill(r.cls));
      assert.equal(classes.length, m.pages, m.name);
      assert.equal(m.runsApproximate, false);
      const shared = m.perms.endsWith('s');
      for (let i = 0; i < m.pages; i++) {
        // the pte: present (its dirty bit, for the shared file mapping), a swap entry, or empty
        const w = sc.proc.pagewalk(m.start + i * 4096);
        const pte = w.levels[w.levels.length - 1];
        const want: PageClass = w.swapped ? 'swap' : !w.present ? 'none' : !shared ? 'anon' : pte.bits.D ? 'dirty' : 'file';
        assert.equal(classes[i], want, `${m.name} page ${i}`);
        seen[want]++;
      }
      for (const k of PAGE_CLASSES) assert.equal(m.pageCounts[k], classes.filter((c) => c === k).length, `${m.name} ${k}`);
    }
    for (const k of PAGE_CLASSES) assert.ok(seen[k] > 0, `no ${k} page in the scenario`);
    assert.equal((seen.anon + seen.file + seen.dirty) * 4096, s.rss);
    assert.equal(seen.swap * 4096, s.meminfo.swapTotal - s.meminfo.swapFree);
    assert.equal(seen.dirty * 4096, s.meminfo.dirty);
  });

  it('fits a mapping whose pages alternate into a bounded number of runs, with exact counts', () => {
    const sc = scenario(`char *m = mmap(NULL, 4096 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
for (int i = 0; i < 4096; i += 2) m[i * 4096] = 1;
`);
    sc.interp.run(1e9);
    const m = buildState(sc).mappings.find((x) => x.pages >= 4096 && x.pageCounts.anon >= 2048)!;
    assert.ok(m, 'the mapping');
    assert.equal(m.runsApproximate, true);
    assert.ok(m.pageRuns.length <= MAX_PAGE_RUNS, `${m.pageRuns.length} runs`);
    assert.equal(m.pageRuns.reduce((n, r) => n + r.pages, 0), m.pages);
    // the mapping merged with the anonymous area next to it: count its present pages afresh
    let present = 0;
    for (let i = 0; i < m.pages; i++) if (sc.proc.pagewalk(m.start + i * 4096).present) present++;
    assert.ok(present >= 2048);
    assert.equal(m.pageCounts.anon, present);
    assert.equal(m.pageCounts.none, m.pages - present);
  });

  it('puts MemFree, Cached, Dirty and swap in use into each timeline point, as /proc/meminfo has them then', () => {
    const sc = scenario(PRESSURE_HEAP);
    const want: number[][] = [];
    for (const stop of [4, 3000, 1e9]) {
      sc.interp.run(Math.max(0, stop - sc.interp.steps));
      const kb = (k: string) => sc.proc.vmEvent(k) * 1024;
      want.push([kb('MemFree'), kb('Cached'), kb('Dirty'), kb('SwapTotal') - kb('SwapFree')]);
      buildState(sc);
    }
    const t = buildState(sc, undefined, false).timeline;
    assert.deepEqual(t.map((p) => [p.memFree, p.cached, p.dirty, p.swapUsed]), want);
    assert.ok(want[2][3] > 0 && want[2][2] > 0 && want[0][3] === 0, JSON.stringify(want));
  });
});

describe('heapstep/state over DAP', function () {
  this.timeout(30000);
  it('answers the custom request from the shipped adapter at a stop', async () => {
    const { DebugClient } = await import('@vscode/debugadapter-testsupport');
    const { resolve } = await import('node:path');
    const fixture = resolve('test/fixtures/dap/simple.heap');
    const dc = new DebugClient('node', resolve('dist/debugAdapter.js'), 'heapstep');
    await dc.start();
    try {
      await dc.initializeRequest({ adapterID: 'heapstep', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
      await Promise.all([
        dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest()),
        dc.launch({ program: fixture, stopOnEntry: true }),
        dc.waitForEvent('stopped'),
      ]);
      for (let i = 0; i < 3; i++) await Promise.all([dc.nextRequest({ threadId: 1 }), dc.waitForEvent('stopped')]);
      const r = await dc.customRequest('heapstep/state', { address: 0x555555559000 });
      const s = r.body as import('../../src/protocol/state').HeapState;
      assert.ok(s.chunks.length >= 2, 'malloc has run');
      assert.equal(s.pagewalk!.va, 0x555555559000);
      assert.ok(s.timeline.length >= 1);
    } finally {
      await dc.stop();
    }
  });
});
