// heapstep/explain over the real adapter: the narration of an allocator call as prose whose
// references agree with what the CLI prints and with what heapstep/state shows at the stop.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { explainProse, recognised, type CallRecord } from '../../src/debug/explain-prose';
import type { SyscallEvent } from '../../src/machine/events';
import { loadScenario } from '../../src/machine/scenario';
import type { ExplainedCall, ExplainRef, ExplainResponse } from '../../src/protocol/explain';
import type { HeapState } from '../../src/protocol/state';
import { BARE_INIT, marker, startClient } from './client';

const DEFAULT = resolve('examples/default.heap');
const FASTBINS = resolve('examples/tcache-and-fastbins.heap');

type Ref<K extends ExplainRef['kind']> = Extract<ExplainRef, { kind: K }>;
const refs = <K extends ExplainRef['kind']>(c: ExplainedCall, kind: K): Ref<K>[] =>
  c.paragraphs.flat().flatMap((r) => (r.ref?.kind === kind ? [r.ref as Ref<K>] : []));
// the paragraph that links glibc function `fn`
const paragraphOf = (c: ExplainedCall, fn: string) => c.paragraphs.find((p) => p.some((r) => r.ref?.kind === 'source' && r.ref.glibcFunction === fn));
const prose = (c: ExplainedCall): string => c.paragraphs.map((p) => p.map((r) => r.text).join('')).join('\n');

// the CLI's `syscall NAME(ARGS) = RET` lines of one scenario line, as numbers
function cliSyscalls(file: string, line: number): { name: string; args: number[]; ret: number }[] {
  const out = execFileSync(process.execPath, ['dist/cli.js', 'run', file], { encoding: 'utf8' });
  return out.split('\n').flatMap((l) => {
    const m = /^\s*(\d+) \|\s+syscall (\w+)\(([^)]*)\) = (\S+)/.exec(l);
    if (!m || Number(m[1]) !== line) return [];
    return [{ name: m[2], args: m[3] ? m[3].split(', ').map(Number) : [], ret: Number(m[4]) }];
  });
}

describe('heapstep/explain', function () {
  this.timeout(30000);
  let dc: DebugClient;
  beforeEach(async () => { dc = await startClient(BARE_INIT); });
  afterEach(() => dc.stop());

  async function stopAt(file: string, line: number): Promise<void> {
    await Promise.all([
      dc.waitForEvent('initialized').then(() => dc.setBreakpointsRequest({ source: { path: file }, breakpoints: [{ line }] }))
        .then(() => dc.configurationDoneRequest()),
      dc.launch({ program: file }),
      dc.assertStoppedLocation('breakpoint', { path: file, line }),
    ]);
  }
  const explain = async (args: object): Promise<ExplainResponse> => (await dc.customRequest('heapstep/explain', args)).body as ExplainResponse;
  const value = async (expr: string): Promise<number> => {
    const frames = await dc.stackTraceRequest({ threadId: 1 });
    const r = await dc.evaluateRequest({ expression: expr, frameId: frames.body.stackFrames[0].id, context: 'watch' });
    return Number(/0x[0-9a-f]+/.exec(r.body.result)?.[0] ?? r.body.result);
  };
  const state = async (): Promise<HeapState> => (await dc.customRequest('heapstep/state', { record: false })).body as HeapState;

  it('the first malloc: sysmalloc grows the heap with the brk the CLI prints, then top is split', async () => {
    const mallocLine = marker(DEFAULT, 'char *p = malloc(1);');
    await stopAt(DEFAULT, marker(DEFAULT, 'assert(p - heap_start == 0x2a0)'));
    const r = await explain({ line: mallocLine });
    assert.equal(r.line, mallocLine);
    assert.equal(r.note, undefined);
    assert.equal(r.calls.length, 1);
    const [c] = r.calls;
    const p = await value('p');
    assert.equal(c.call, 'malloc(1)');
    assert.equal(c.result, '0x' + p.toString(16));
    assert.equal(c.line, mallocLine);
    assert.match(c.source, /malloc\(1\)/);

    const cli = cliSyscalls(DEFAULT, mallocLine);
    assert.ok(cli.some((s) => s.name === 'brk' && s.args[0] !== 0), `the CLI shows the heap's brk: ${JSON.stringify(cli)}`);
    // the sysmalloc paragraph links the brk that moved the break, as the CLI printed it
    const para = paragraphOf(c, 'sysmalloc');
    assert.ok(para, prose(c));
    const brk = para.flatMap((x) => (x.ref?.kind === 'syscall' ? [x.ref] : []));
    assert.equal(brk.length, 1);
    const grew = cli.filter((s) => s.name === 'brk' && s.args[0] !== 0).pop()!;
    assert.equal(brk[0].name, 'brk');
    assert.deepEqual(brk[0].args.map(Number), grew.args);
    assert.equal(Number(brk[0].ret), grew.ret);
    // every system call of the line, in order, is linked
    assert.deepEqual(refs(c, 'syscall').slice(-cli.length).map((s) => ({ name: s.name, args: s.args.map(Number), ret: Number(s.ret) })), cli);
    // the heap that brk made: a mapping up to the new break, the one heapstep/state lists
    const st = await state();
    const heap = st.mappings.find((m) => m.name === '[heap]');
    assert.ok(heap);
    assert.ok(refs(c, 'mapping').some((m) => m.start === heap.start && m.end === grew.ret), JSON.stringify(refs(c, 'mapping')));
    // the chunk returned is p's, and the narration reads as sentences
    assert.ok(refs(c, 'chunk').some((k) => k.addr === p - 16 && k.size === 0x20));
    assert.match(prose(c), /sysmalloc asked the kernel for more with brk\(0x[0-9a-f]+\)/);
    for (const para2 of c.paragraphs) assert.match(para2.map((x) => x.text).join('').trim(), /[.:]$/);
  });

  it('a source link opens the generated listing at the narrated line', async () => {
    const mallocLine = marker(DEFAULT, 'char *p = malloc(1);');
    await stopAt(DEFAULT, marker(DEFAULT, 'assert(p - heap_start == 0x2a0)'));
    const [c] = (await explain({ line: mallocLine })).calls;
    const sys = refs(c, 'source').find((s) => s.glibcFunction === 'sysmalloc');
    assert.ok(sys?.sourceReference && sys.line, JSON.stringify(sys));
    const text = (await dc.sourceRequest({ sourceReference: sys.sourceReference })).body.content.split('\n');
    assert.match(text[sys.line - 1], /sysmalloc: brk/);
    assert.ok(c.why.includes(text[sys.line - 1].trim()));
  });

  it('a free into tcache: the tcache bin under its Bins label, the chunk at the pointer - 16', async () => {
    const freeLine = marker(DEFAULT, 'free(p);');
    await stopAt(DEFAULT, marker(DEFAULT, 'char *q = malloc(1);'));
    const p = await value('p');
    const r = await explain({ line: freeLine });
    assert.equal(r.calls.length, 1);
    const [c] = r.calls;
    assert.equal(c.fn, 'free');
    assert.equal(c.call, `free(0x${p.toString(16)})`);
    const st = await state();
    const bin = st.bins.tcache.find((b) => b.entries.some((e) => e.addr === p - 16));
    assert.ok(bin, 'the freed chunk is in a tcache bin');
    const linked = refs(c, 'bin');
    assert.ok(linked.some((b) => b.binKind === 'tcache' && b.index === bin.index && b.label === bin.label), JSON.stringify(linked));
    assert.ok(refs(c, 'chunk').length > 0 && refs(c, 'chunk').every((k) => k.addr === p - 16), JSON.stringify(refs(c, 'chunk')));
    assert.ok(refs(c, 'source').some((s) => s.glibcFunction === 'tcache_put'));
    assert.deepEqual(refs(c, 'syscall'), []);
    assert.match(prose(c), /No system call/);

    // the stop's own line has not run yet: the most recent call before the stop, the free
    const here = await explain({});
    assert.equal(here.line, marker(DEFAULT, 'char *q = malloc(1);'));
    assert.match(here.note ?? '', /made no allocator call before this stop/);
    assert.deepEqual(here.calls.map((x) => x.call), [c.call]);
  });

  it('the eighth free goes to the fastbin the Bins view lists; a line with no call explains the previous call', async () => {
    const freeLine = marker(FASTBINS, 'free(p[i])');
    const binsLine = marker(FASTBINS, 'bins();');
    await stopAt(FASTBINS, binsLine);
    const r = await explain({ line: freeLine });
    assert.equal(r.calls.length, 1, 'only the last turn of the loop');
    const [c] = r.calls;
    const last = await value('p[7]');
    assert.equal(c.call, `free(0x${last.toString(16)})`);
    const st = await state();
    const fast = st.bins.fastbins.find((b) => b.entries.some((e) => e.addr === last - 16));
    assert.ok(fast);
    assert.ok(refs(c, 'bin').some((b) => b.binKind === 'fastbin' && b.label === fast.label && b.index === fast.index));
    const full = st.bins.tcache.find((b) => b.label === fast.label.replace('fastbin', 'tcache'));
    assert.ok(full && full.count === full.limit, 'tcache of that size is full');
    assert.ok(refs(c, 'bin').some((b) => b.binKind === 'tcache' && b.label === full.label));

    // `bins();` makes no allocator call: its explanation is the free before it
    const none = await explain({});
    assert.equal(none.line, binsLine);
    assert.match(none.note ?? '', /makes no allocator call/);
    assert.deepEqual(none.calls.map((x) => [x.call, x.step]), [[c.call, c.step]]);
  });

  it('while walking glibc\'s path after a step in: that call, linked to the listing being walked', async () => {
    const mallocLine = marker(DEFAULT, 'char *p = malloc(1);');
    await stopAt(DEFAULT, mallocLine);
    await Promise.all([dc.stepInRequest({ threadId: 1 }), dc.waitForEvent('stopped')]);
    const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    const ref = frames[0].source?.sourceReference;
    assert.ok(ref, 'stopped in the glibc listing');
    const r = await explain({ frameId: frames[0].id });
    assert.equal(r.calls.length, 1);
    assert.equal(r.calls[0].call, 'malloc(1)');
    assert.ok(refs(r.calls[0], 'source').every((s) => s.sourceReference === ref));
    assert.deepEqual((await explain({})).calls.map((x) => x.call), ['malloc(1)']);
  });

  it('a double free: the call that never returned, with glibc\'s message', async () => {
    const file = resolve('examples/double-free-abort.heap');
    const message = /expect: exit 134 "([^"]+)"/.exec(readFileSync(file, 'utf8'))?.[1];
    assert.ok(message);
    await Promise.all([
      dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest()),
      dc.launch({ program: file }),
      dc.assertStoppedLocation('exception', {}),
    ]);
    const r = await explain({});
    assert.equal(r.calls.length, 1);
    const [c] = r.calls;
    assert.equal(c.fn, 'free');
    assert.equal(c.finished, false);
    assert.equal(c.line, (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0].line);
    assert.ok(prose(c).includes(`“${message}”`), prose(c));
    assert.match(prose(c), /freed twice/);
  });

  it('answers bad arguments, and a request before launch, with an error', async () => {
    await assert.rejects(dc.customRequest('heapstep/explain', {}), /no program is running/);
    await stopAt(DEFAULT, marker(DEFAULT, 'free(p);'));
    await assert.rejects(dc.customRequest('heapstep/explain', { line: 0 }), /"line" must be a line of the scenario/);
    await assert.rejects(dc.customRequest('heapstep/explain', { line: 'twelve' }), /"line"/);
    await assert.rejects(dc.customRequest('heapstep/explain', { line: 100000 }), /"line"/);
    await assert.rejects(dc.customRequest('heapstep/explain', { frameId: -1 }), /"frameId"/);
    await assert.rejects(dc.customRequest('heapstep/explain', { frameId: 99 }), /no frame 99/);
    // and it still answers a good one afterwards
    assert.ok((await explain({})).calls.length > 0);
  });
});

// The prose knows the shape of every narration line the shipped examples produce: none is
// left as the terse line it was, and every call of them is told without an error.
describe('explain prose over every example', function () {
  this.timeout(60000);
  it('recognises each why line and links only references that exist', () => {
    const unknown = new Map<string, string>();
    let calls = 0;
    for (const name of readdirSync('examples').filter((f) => f.endsWith('.heap'))) {
      const file = join('examples', name);
      const seen: CallRecord[] = [];
      let syscalls: SyscallEvent[] = [];
      const r = loadScenario(readFileSync(file, 'utf8'), file, {}, (e) => {
        if (e.event === 'syscall' && e.by && e.by !== 'program') syscalls.push(e);
        if (e.event === 'call') { seen.push({ ...e, finished: true, syscalls, faults: [] }); syscalls = []; }
      });
      assert.ok(r.ok, file);
      r.scenario.interp.run(5_000_000);
      for (const c of seen) {
        calls++;
        for (const w of c.why) if (!recognised(w)) unknown.set(w, file);
        const paras = explainProse(c, { source: (fn) => ({ kind: 'source', glibcFunction: fn }), chunk: (addr, size) => ({ kind: 'chunk', addr, size: size ?? 0 }), tcacheCount: 7 });
        for (const run of paras.flat()) {
          const ref = run.ref;
          if (ref?.kind === 'syscall') assert.ok(c.syscalls.some((s) => s.name === ref.name && s.ret === ref.ret && s.args.join() === ref.args.join()), `${file}: ${run.text}`);
          if (ref?.kind === 'chunk') assert.ok(Number.isSafeInteger(ref.addr) && ref.addr > 0, `${file}: ${run.text}`);
        }
      }
    }
    assert.ok(calls > 1000, `${calls} calls`);
    assert.deepEqual([...unknown], []);
  });
});
