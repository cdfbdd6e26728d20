// Breakpoints of the shipped dist/debugAdapter.js over stdio, driven the way VS Code drives it:
// conditions, hit conditions, logpoints, function breakpoints on built-ins and on allocator
// and kernel events, data breakpoints on variables, fields, addresses and chunk headers.
// Expected addresses come from glibc's layout, not from the adapter: with ASLR off the heap
// starts at 0x555555559000 and its first chunk follows the 0x290-byte tcache_perthread_struct.
import { strict as assert } from 'node:assert';
import { resolve } from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { marker, VSCODE_INIT } from './client';
import type { DebugProtocol } from '@vscode/debugprotocol';

const ADAPTER = resolve('dist/debugAdapter.js');
const CONDITIONS = resolve('test/fixtures/dap/conditions.heap');
const EVENTS = resolve('test/fixtures/dap/events.heap');
const WATCH = resolve('test/fixtures/dap/watch.heap');
const OOM = resolve('test/fixtures/dap/oom.heap');
const SIMPLE = resolve('test/fixtures/dap/simple.heap');

const HEAP = 0x555555559000;
const FIRST_CHUNK = HEAP + 0x290;
const hex = (n: number) => '0x' + n.toString(16);



type Stopped = DebugProtocol.StoppedEvent;

describe('breakpoints over stdio', function () {
  this.timeout(30000);
  let dc: DebugClient;
  let caps: DebugProtocol.Capabilities;
  const consoleOut: DebugProtocol.OutputEvent[] = [];
  beforeEach(async () => {
    consoleOut.length = 0;
    dc = new DebugClient('node', ADAPTER, 'heapstep');
    await dc.start();
    dc.on('output', (e: DebugProtocol.OutputEvent) => { if (e.body.category === 'console') consoleOut.push(e); });
    caps = (await dc.initializeRequest(VSCODE_INIT)).body ?? {};
  });
  afterEach(() => dc.stop());

  // The next stop, or null when the program ends first.
  function nextStop(): Promise<Stopped | null> {
    return new Promise((res) => {
      const done = (v: Stopped | null) => { dc.removeListener('stopped', onStop); dc.removeListener('terminated', onEnd); res(v); };
      const onStop = (e: Stopped) => done(e);
      const onEnd = () => done(null);
      dc.on('stopped', onStop);
      dc.on('terminated', onEnd);
    });
  }

  // Launches `program` with `setup` run between `initialized` and configurationDone.
  async function launch(program: string, setup: () => Promise<unknown>, extra: Record<string, unknown> = {}): Promise<Stopped | null> {
    const first = nextStop();
    await Promise.all([
      dc.waitForEvent('initialized').then(setup).then(() => dc.configurationDoneRequest()),
      dc.launch({ program, ...extra }),
    ]);
    return first;
  }
  async function resume(): Promise<Stopped | null> {
    const s = nextStop();
    await dc.continueRequest({ threadId: 1 });
    return s;
  }
  async function topLine(): Promise<number> {
    return (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0].line;
  }
  async function scope(name: string): Promise<number> {
    const st = await dc.stackTraceRequest({ threadId: 1 });
    const sc = await dc.scopesRequest({ frameId: st.body.stackFrames[0].id });
    const s = sc.body.scopes.find((x) => x.name === name);
    assert.ok(s, `a ${name} scope`);
    return s!.variablesReference;
  }
  // A local's value as a number, however the Variables view decorates it.
  async function local(name: string): Promise<bigint> {
    const vars = await dc.variablesRequest({ variablesReference: await scope('Locals') });
    const v = vars.body.variables.find((x) => x.name === name);
    assert.ok(v, `local ${name}`);
    const m = /^(0x[0-9a-f]+|-?\d+)/.exec(v!.value);
    assert.ok(m, `a number in '${v!.value}'`);
    return BigInt(m![1]);
  }
  // Every stop until the end: [line, stopped event] pairs, starting with `first`; `look` runs
  // at each stop, while the program is there to be looked at.
  async function allStops(first: Stopped | null, look?: (line: number) => Promise<void>, max = 50): Promise<[number, Stopped][]> {
    const out: [number, Stopped][] = [];
    let s = first;
    while (s && out.length < max) {
      const line = await topLine();
      out.push([line, s]);
      if (look) await look(line);
      s = await resume();
    }
    assert.ok(out.length < max, 'the program ends');
    return out;
  }
  const lineBps = (file: string, breakpoints: DebugProtocol.SourceBreakpoint[]) => dc.setBreakpointsRequest({ source: { path: file }, breakpoints });

  it('declares the breakpoint capabilities', () => {
    for (const c of ['supportsConditionalBreakpoints', 'supportsHitConditionalBreakpoints', 'supportsLogPoints', 'supportsDataBreakpoints', 'supportsFunctionBreakpoints'] as const) {
      assert.equal(caps[c], true, c);
    }
  });

  describe('line breakpoints', () => {
    const loop = marker(CONDITIONS, '#BP_LOOP');
    const after = marker(CONDITIONS, '#BP_AFTER');

    it('stops only where the condition holds (size > 0x400)', async () => {
      const first = await launch(CONDITIONS, () => lineBps(CONDITIONS, [{ line: loop, condition: 'size > 0x400' }]));
      const sizes: bigint[] = [];
      const stops = await allStops(first, async () => { sizes.push(await local('size')); });
      for (const [line, s] of stops) {
        assert.equal(line, loop);
        assert.equal(s.body.reason, 'breakpoint');
      }
      // size is 0x100 * (i + 1) for i = 0..7: the last four exceed 0x400
      assert.deepEqual(sizes, [0x500n, 0x600n, 0x700n, 0x800n]);
    });

    it('compares pointers: p == q holds where both name the same chunk', async () => {
      const s = await launch(CONDITIONS, () => lineBps(CONDITIONS, [{ line: after, condition: 'p == q' }]));
      assert.ok(s);
      assert.equal(await topLine(), after);
    });

    it('does not stop where the condition is false (p != q)', async () => {
      const s = await launch(CONDITIONS, () => lineBps(CONDITIONS, [{ line: after, condition: 'p != q' }]));
      assert.equal(s, null);
    });

    it('leaves a breakpoint with an invalid condition unverified, with the compiler\'s message', async () => {
      let placed: DebugProtocol.Breakpoint[] = [];
      const s = await launch(CONDITIONS, async () => {
        placed = (await lineBps(CONDITIONS, [
          { line: loop, condition: 'sz > 3' },
          { line: loop + 1, condition: 'size >' },
          { line: after, condition: 'total = 3' },
          { line: after + 1, condition: 'malloc(1) != 0' },
        ])).body.breakpoints;
      });
      assert.deepEqual(placed.map((b) => b.verified), [false, false, false, false]);
      assert.match(placed[0].message ?? '', /undeclared identifier 'sz'/);
      assert.match(placed[1].message ?? '', /expected expression/);
      assert.match(placed[2].message ?? '', /cannot assign/);
      assert.match(placed[3].message ?? '', /calls cannot be evaluated/);
      assert.equal(s, null, 'unverified breakpoints do not stop');
    });

    it('stops when a condition cannot be evaluated, and says why in the text and the console', async () => {
      const s = await launch(CONDITIONS, () => lineBps(CONDITIONS, [{ line: loop, condition: '*(long *)0 == 1' }]));
      assert.ok(s);
      assert.equal(s!.body.reason, 'breakpoint');
      assert.match(s!.body.text ?? '', /cannot access memory at address 0x0/);
      assert.ok(consoleOut.some((o) => /could not be evaluated: cannot access memory at address 0x0/.test(o.body.output)));
    });

    it('evaluates a condition without touching the machine: an untouched heap page stays untouched', async () => {
      // ptrs[0] is the first chunk's memory; 64 KiB further on is a heap page nobody writes
      const far = FIRST_CHUNK + 0x10 + 0x10000;
      const s = await launch(CONDITIONS, () => lineBps(CONDITIONS, [
        { line: loop, condition: 'i > 0 && *(long *)(ptrs[0] + 0x10000) != 0' },
        { line: after },
      ]));
      assert.ok(s);
      assert.equal(await topLine(), after, 'the page reads as zeroes, so the condition never held');
      assert.equal(await local('p'), BigInt(FIRST_CHUNK + 0x10 + 0x210 + 0x110), 'p is ptrs[2], two chunks (0x110, 0x210) after ptrs[0]');
      const r = await dc.customRequest('readMemory', { memoryReference: hex(far), count: 8 });
      assert.equal(r.body.unreadableBytes, 8, 'the page is still not resident');
    });

    for (const [hit, expect] of [['% 3', [0x300n, 0x600n]], ['>= 7', [0x700n, 0x800n]], ['5', [0x500n, 0x600n, 0x700n, 0x800n]], ['== 2', [0x200n]], ['< 3', [0x100n, 0x200n]]] as const) {
      it(`counts hits: hitCondition '${hit}'`, async () => {
        const first = await launch(CONDITIONS, () => lineBps(CONDITIONS, [{ line: loop, hitCondition: hit }]));
        const sizes: bigint[] = [];
        const stops = await allStops(first, async () => { sizes.push(await local('size')); });
        assert.ok(stops.every(([line]) => line === loop));
        assert.deepEqual(sizes, expect);
      });
    }

    it('counts only the hits where the condition holds (condition size > 0x200, hitCondition == 2)', async () => {
      const first = await launch(CONDITIONS, () => lineBps(CONDITIONS, [{ line: loop, condition: 'size > 0x200', hitCondition: '== 2' }]));
      assert.ok(first);
      assert.equal(await topLine(), loop);
      assert.equal(await local('size'), 0x400n, 'hits: 0x300, 0x400');
      assert.equal(await resume(), null);
    });

    it('leaves a breakpoint with a hit condition it cannot read unverified', async () => {
      let placed: DebugProtocol.Breakpoint[] = [];
      await launch(CONDITIONS, async () => { placed = (await lineBps(CONDITIONS, [{ line: loop, hitCondition: 'often' }])).body.breakpoints; });
      assert.equal(placed[0].verified, false);
      assert.match(placed[0].message ?? '', /hit condition 'often'/);
    });

    it('logs instead of stopping: {expr} in a log message, to the Debug Console with the line', async () => {
      const s = await launch(CONDITIONS, () => lineBps(CONDITIONS, [{ line: loop, logMessage: 'i={i} size={size} total={total}' }]));
      assert.equal(s, null, 'a logpoint never stops');
      const lines = consoleOut.filter((o) => o.body.source?.path === CONDITIONS);
      const want = [...Array(8).keys()].map((i) => `i=${i} size=${0x100 * (i + 1)} total=${0x100 * i * (i + 1) / 2}\n`);
      assert.deepEqual(lines.map((o) => o.body.output), want);
      assert.ok(lines.every((o) => o.body.line === loop));
    });

    it('shows an expression that fails at run time in place, and still does not stop', async () => {
      const s = await launch(CONDITIONS, () => lineBps(CONDITIONS, [{ line: after, logMessage: 'at zero: {*(long *)0}, total {total}' }]));
      assert.equal(s, null);
      const lines = consoleOut.filter((o) => o.body.source?.path === CONDITIONS).map((o) => o.body.output);
      assert.deepEqual(lines, [`at zero: <cannot access memory at address 0x0>, total ${0x100 * 36}\n`]);
    });

    it('leaves a logpoint naming an unknown variable unverified', async () => {
      let placed: DebugProtocol.Breakpoint[] = [];
      await launch(CONDITIONS, async () => { placed = (await lineBps(CONDITIONS, [{ line: loop, logMessage: 'x={nosuch}' }])).body.breakpoints; });
      assert.equal(placed[0].verified, false);
      assert.match(placed[0].message ?? '', /nosuch/);
    });

    it('places nothing for a file that is not the program', async () => {
      let placed: DebugProtocol.Breakpoint[] = [];
      const s = await launch(CONDITIONS, async () => { placed = (await lineBps(SIMPLE, [{ line: 2 }])).body.breakpoints; });
      assert.equal(placed[0].verified, false);
      assert.equal(s, null);
    });
  });

  describe('function breakpoints', () => {
    const fnBps = (names: (string | DebugProtocol.FunctionBreakpoint)[]) =>
      dc.setFunctionBreakpointsRequest({ breakpoints: names.map((n) => (typeof n === 'string' ? { name: n } : n)) });

    it('stop after the statement that put a chunk into the tcache, and after the one that took it out', async () => {
      const s1 = await launch(EVENTS, () => fnBps(['tcache_put', 'tcache_get']));
      assert.ok(s1);
      assert.equal(s1!.body.reason, 'function breakpoint');
      assert.equal(await topLine(), marker(EVENTS, '#EV_GET'), 'after free(a)');
      const a = await local('a');
      assert.match(s1!.body.text ?? '', new RegExp(`tcache_put: chunk ${hex(Number(a) - 16)} into tcache\\[0\\]`));
      assert.match(s1!.body.description ?? '', /tcache_put/);
      const s2 = await resume();
      assert.ok(s2);
      assert.equal(await topLine(), marker(EVENTS, '#EV_F_LOOP'), 'after c = malloc(0x18)');
      assert.match(s2!.body.text ?? '', new RegExp(`tcache_get: chunk ${hex(Number(a) - 16)} from tcache\\[0\\]`));
      assert.equal(await local('c'), a, 'c got a\'s chunk back');
    });

    it('stop when a chunk enters a fastbin (the eighth free of a 0x30 chunk: its tcache bin holds seven)', async () => {
      const s = await launch(EVENTS, () => fnBps(['fastbin']));
      assert.ok(s);
      assert.equal(await topLine(), marker(EVENTS, '#EV_FASTBIN'));
      // f[0..7] follow a, b (0x20 each): f[7] is 0x2d0 + 7 * 0x30 from the heap start
      assert.match(s!.body.text ?? '', new RegExp(`fastbin: chunk ${hex(HEAP + 0x2d0 + 7 * 0x30)} into fastbin\\[1\\]`));
    });

    it('stop when a chunk enters the unsorted bin: from free, then from malloc_consolidate', async () => {
      const s1 = await launch(EVENTS, () => fnBps(['unsorted_bin']));
      assert.ok(s1);
      assert.equal(await topLine(), marker(EVENTS, '#EV_CONSOLIDATE'), 'after free(s[7])');
      // s[0..8] (0x90 each) follow f[0..7]: s[7] at 0x450 + 7 * 0x90
      const s7 = HEAP + 0x450 + 7 * 0x90;
      assert.match(s1!.body.text ?? '', new RegExp(`unsorted_bin: chunk ${hex(s7)} into unsorted, in _int_free, during free\\(\\)`));
      const s2 = await resume();
      assert.ok(s2);
      assert.equal(await topLine(), marker(EVENTS, '#EV_GUARD'), 'after malloc(0x4f8), a large request');
      assert.match(s2!.body.text ?? '', new RegExp(`unsorted_bin: chunk ${hex(HEAP + 0x2d0 + 7 * 0x30)} into unsorted, in malloc_consolidate, during malloc\\(\\)`));
    });

    it('stop on malloc_consolidate and on chunks sorted into small and large bins', async () => {
      const s1 = await launch(EVENTS, () => fnBps(['malloc_consolidate', 'smallbin', 'largebin']));
      assert.ok(s1);
      assert.equal(await topLine(), marker(EVENTS, '#EV_GUARD'));
      const t1 = s1!.body.text ?? '';
      assert.match(t1, /malloc_consolidate/);
      // smallbin_index(0x90) = 9, smallbin_index(0x30) = 3
      assert.match(t1, new RegExp(`smallbin: chunk ${hex(HEAP + 0x450 + 7 * 0x90)} into smallbin\\[9\\]`));
      assert.match(t1, new RegExp(`smallbin: chunk ${hex(HEAP + 0x2d0 + 7 * 0x30)} into smallbin\\[3\\]`));
      const s2 = await resume();
      assert.ok(s2);
      assert.equal(await topLine(), marker(EVENTS, '#EV_GROW'), 'after malloc(0x600) sorted the freed 0x500 chunk');
      // l follows s[8]: 0x450 + 9 * 0x90; largebin_index(0x500) = 48 + (0x500 >> 6) = 68
      assert.match(s2!.body.text ?? '', new RegExp(`largebin: chunk ${hex(HEAP + 0x450 + 9 * 0x90)} into largebin\\[68\\]`));
    });

    it('stop after sysmalloc (heap creation, heap growth, an mmapped chunk) and after systrim', async () => {
      const stops = await allStops(await launch(EVENTS, () => fnBps(['sysmalloc', 'systrim'])));
      assert.deepEqual(stops.map(([l]) => l), [marker(EVENTS, '#EV_FIRST') + 1, marker(EVENTS, '#EV_SYSTRIM'), marker(EVENTS, '#EV_MMAP'), marker(EVENTS, '#EV_TOUCH')]);
      assert.deepEqual(stops.map(([, s]) => /^(sysmalloc|systrim)/.exec(s.body.text ?? '')?.[1]), ['sysmalloc', 'sysmalloc', 'systrim', 'sysmalloc']);
    });

    it('stop on mmap both where glibc calls it and before the program calls it', async () => {
      const stops = await allStops(await launch(EVENTS, () => fnBps(['mmap'])));
      assert.deepEqual(stops.map(([l]) => l), [marker(EVENTS, '#EV_TOUCH'), marker(EVENTS, '#EV_OWN_MMAP')]);
      assert.match(stops[0][1].body.text ?? '', /mmap\(.*\) = 0x7[0-9a-f]+, called by glibc's malloc/);
      assert.match(stops[1][1].body.text ?? '', /calls mmap\(\)/);
    });

    it('stop after a page fault, with the faulting address (set while stopped)', async () => {
      await launch(EVENTS, () => lineBps(EVENTS, [{ line: marker(EVENTS, '#EV_FAULT') }]));
      const own = await local('own');
      await fnBps(['page_fault']);
      const s = await resume();
      assert.ok(s);
      assert.equal(await topLine(), marker(EVENTS, '#EV_END'));
      assert.match(s!.body.text ?? '', new RegExp(`page_fault: minor fault at ${hex(Number(own))} \\(write\\)`));
    });

    it('stop where the OOM killer ends the process, even with the exception filters off', async () => {
      const s = await launch(OOM, async () => { await dc.setExceptionBreakpointsRequest({ filters: [] }); await fnBps(['oom']); });
      assert.ok(s);
      assert.equal(s!.body.reason, 'function breakpoint');
      assert.equal(await topLine(), marker(OOM, '#OOM_TOUCH'));
      assert.match(s!.body.text ?? '', /oom: Out of memory: Killed process/);
      const exited = dc.waitForEvent('exited');
      await dc.continueRequest({ threadId: 1 });
      assert.equal((await exited).body.exitCode, 137);
    });

    it('stop at the first statement of a function of the program', async () => {
      const s = await launch(SIMPLE, () => fnBps(['twice']));
      assert.ok(s);
      assert.equal(s!.body.reason, 'function breakpoint');
      assert.equal(await topLine(), marker(SIMPLE, '#BP_TWICE'));
    });

    it('honour a condition and a hit condition on a built-in', async () => {
      const cond = await allStops(await launch(CONDITIONS, () => fnBps([{ name: 'free', condition: 'ptrs[i] == p' }])));
      assert.equal(cond.length, 1, 'p is ptrs[2]: one of the eight frees');
    });

    it('honour a hit condition on a built-in (% 4 of eight frees)', async () => {
      const stops = await allStops(await launch(CONDITIONS, () => fnBps([{ name: 'free', hitCondition: '% 4' }])));
      assert.equal(stops.length, 2);
    });

    it('refuse a name that is no built-in, function or event', async () => {
      let placed: DebugProtocol.Breakpoint[] = [];
      await launch(EVENTS, async () => { placed = (await fnBps(['tcache_put', 'no_such_thing'])).body.breakpoints; });
      assert.deepEqual(placed.map((b) => b.verified), [true, false]);
      assert.match(placed[1].message ?? '', /'no_such_thing'.*sysmalloc/);
    });

    it('are found again by reverse continue', async () => {
      const s = await launch(EVENTS, async () => { await fnBps(['tcache_get']); await lineBps(EVENTS, [{ line: marker(EVENTS, '#EV_UNSORTED') }]); });
      assert.equal(await topLine(), marker(EVENTS, '#EV_F_LOOP'));
      assert.equal(s!.body.reason, 'function breakpoint');
      assert.ok(await resume());
      assert.equal(await topLine(), marker(EVENTS, '#EV_UNSORTED'));
      const back = nextStop();
      await dc.reverseContinueRequest({ threadId: 1 });
      const r = await back;
      assert.ok(r);
      assert.equal(r!.body.reason, 'function breakpoint');
      assert.equal(await topLine(), marker(EVENTS, '#EV_F_LOOP'));
      assert.match(r!.body.text ?? '', /tcache_get/);
    });
  });

  describe('data breakpoints', () => {
    const start = marker(WATCH, '#W_START');
    const toStart = () => launch(WATCH, () => lineBps(WATCH, [{ line: start }]));
    async function watch(args: DebugProtocol.DataBreakpointInfoArguments, mode?: string): Promise<number> {
      const info = await dc.dataBreakpointInfoRequest(args);
      assert.ok(info.body.dataId, info.body.description);
      assert.deepEqual(info.body.accessTypes, ['write']);
      const set = await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, accessType: 'write', ...(mode ? { mode } : {}) }] });
      assert.equal(set.body.breakpoints[0].verified, true);
      return set.body.breakpoints[0].id!;
    }
    const frameId = async () => (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0].id;

    it('watch a global from the Variables view: each change stops after its statement, with old and new value', async () => {
      await toStart();
      const id = await watch({ variablesReference: await scope('Globals'), name: 'counter' });
      const stops = await allStops(await resume());
      assert.deepEqual(stops.map(([l]) => l), [marker(WATCH, '#W_FIELD'), marker(WATCH, '#W_RETURN')]);
      assert.equal(stops[0][1].body.reason, 'data breakpoint');
      assert.deepEqual(stops[0][1].body.hitBreakpointIds, [id]);
      assert.match(stops[0][1].body.text ?? '', /counter: 0 → 5, changed by the program at line 11/);
      assert.match(stops[1][1].body.text ?? '', /counter: 5 → 6/);
    });

    it('watch a struct field named by an expression (n->value)', async () => {
      await toStart();
      await watch({ name: 'n->value', frameId: await frameId() });
      const s = await resume();
      assert.equal(await topLine(), marker(WATCH, '#W_LOCAL'));
      assert.match(s!.body.text ?? '', /n->value: 0 → 7/);
    });

    it('watch a local on the stack written through a pointer', async () => {
      await toStart();
      await watch({ variablesReference: await scope('Locals'), name: 'local' });
      const s = await resume();
      assert.equal(await topLine(), marker(WATCH, '#W_BYTE'));
      assert.match(s!.body.text ?? '', /local: 1 → 2/);
    });

    it('watch an address with a size, and the same bytes as *(long *)ADDR', async () => {
      await toStart();
      const p = hex(Number(await local('p')));
      const info1 = await dc.dataBreakpointInfoRequest({ name: p, asAddress: true, bytes: 1 });
      const info2 = await dc.dataBreakpointInfoRequest({ name: `*(long *)${p}`, frameId: await frameId() });
      assert.ok(info1.body.dataId && info2.body.dataId);
      await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info1.body.dataId! }, { dataId: info2.body.dataId! }] });
      const s = await resume();
      assert.equal(await topLine(), marker(WATCH, '#W_REG'));
      assert.match(s!.body.text ?? '', new RegExp(`1 byte at ${p}: 0x0 → 0x78`));       // 'x'
      assert.match(s!.body.text ?? '', new RegExp(`\\*\\(long \\*\\)${p}: 0 → 120`));
    });

    it('watch a local kept in a register (r = malloc(...))', async () => {
      await toStart();
      await watch({ variablesReference: await scope('Locals'), name: 'r' });
      const s = await resume();
      assert.equal(await topLine(), marker(WATCH, '#W_OVERFLOW'));
      const r = await local('r');
      assert.match(s!.body.text ?? '', new RegExp(`r: 0x0 → ${hex(Number(r))}, changed by the program`));
    });

    it('watch the header of the chunk of q: an overflow by the program rewrites its size', async () => {
      await toStart();
      await watch({ name: 'mem2chunk(q)', frameId: await frameId() });
      const s = await resume();
      assert.equal(await topLine(), marker(WATCH, '#W_OVERFLOW') + 1);
      assert.match(s!.body.text ?? '', /chunk header of q.*\{prev_size 0x0, size 0x21 \(PREV_INUSE\)\} → \{prev_size 0x0, size 0x41 \(PREV_INUSE\)\}, changed by the program/);
    });

    it('see glibc write a header: freeing the 0x420 chunk before it sets prev_size and clears PREV_INUSE', async () => {
      await launch(WATCH, () => lineBps(WATCH, [{ line: marker(WATCH, '#W_GLIBC_FREE') }]));
      await watch({ name: 'mem2chunk(after)', frameId: await frameId() });
      const s = await resume();
      assert.equal(await topLine(), marker(WATCH, '#W_PROGRAM'));
      assert.match(s!.body.text ?? '', /\{prev_size 0x0, size 0x21 \(PREV_INUSE\)\} → \{prev_size 0x420, size 0x20\}, changed by glibc's free\(\)/);
    });

    it('in the "program" mode, follow glibc\'s writes silently and stop at the program\'s', async () => {
      assert.ok(caps.breakpointModes?.some((m) => m.mode === 'program' && m.appliesTo?.includes('data')));
      await launch(WATCH, () => lineBps(WATCH, [{ line: marker(WATCH, '#W_GLIBC_FREE') }]));
      await watch({ name: 'mem2chunk(after)', frameId: await frameId() }, 'program');
      const s = await resume();
      assert.equal(await topLine(), marker(WATCH, '#W_END'));
      assert.match(s!.body.text ?? '', /\{prev_size 0x420, size 0x20\} → \{prev_size 0x0, size 0x20\}, changed by the program/);
    });

    it('watch an array element from the Variables view (ptrs[2])', async () => {
      const loop = marker(CONDITIONS, '#BP_LOOP');
      await launch(CONDITIONS, () => lineBps(CONDITIONS, [{ line: loop }]));
      const vars = await dc.variablesRequest({ variablesReference: await scope('Locals') });
      const ptrs = vars.body.variables.find((v) => v.name === 'ptrs');
      assert.ok(ptrs && ptrs.variablesReference > 0, 'ptrs expands');
      await watch({ variablesReference: ptrs!.variablesReference, name: '[2]' });
      await lineBps(CONDITIONS, []);
      const s = await resume();
      assert.equal(await topLine(), loop + 1, 'after ptrs[2] = malloc(size) with i == 2');
      // ptrs[0] and ptrs[1] take chunks of 0x110 and 0x210
      assert.match(s!.body.text ?? '', new RegExp(`\\[2\\].*: 0x0 → ${hex(FIRST_CHUNK + 0x110 + 0x210 + 0x10)}, changed by the program`));
    });

    it('refuse what cannot be watched, saying why', async () => {
      await toStart();
      const fid = await frameId();
      const value = await dc.dataBreakpointInfoRequest({ name: 'p + 1', frameId: fid });
      assert.equal(value.body.dataId, null);
      assert.match(value.body.description, /not an object in memory/);
      const unknown = await dc.dataBreakpointInfoRequest({ name: 'nosuch', frameId: fid });
      assert.equal(unknown.body.dataId, null);
      assert.match(unknown.body.description, /undeclared identifier 'nosuch'/);
      const info = await dc.dataBreakpointInfoRequest({ name: 'counter', frameId: fid });
      const read = await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, accessType: 'read' }] });
      assert.equal(read.body.breakpoints[0].verified, false);
    });
  });
});
