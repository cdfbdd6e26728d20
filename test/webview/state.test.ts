// The `heapstep/state` snapshot: what it reports, and that reading it changes nothing in the
// machine (no fault, no TLB fill, no RSS change).
import { strict as assert } from 'node:assert';
import { buildState } from '../../src/debug/state-request';
import { scenario } from './states';

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
