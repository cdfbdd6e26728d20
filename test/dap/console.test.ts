// The Debug Console, hovers, watches, completions, setVariable/setExpression and progress, on
// the shipped dist/debugAdapter.js over stdio. Expected values come from outside the emulator:
// glibc's request2size and safe-linking formulas worked by hand, glibc's own abort messages,
// and the machine's state read before and after (which must not change).
import { strict as assert } from 'node:assert';
import { resolve } from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { marker } from './client';
import type { DebugProtocol } from '@vscode/debugprotocol';

// dc.launchRequest, not dc.launch: the latter sends a second initialize with default
// arguments, which VS Code never does, and the client's capabilities would be lost.
const ADAPTER = resolve('dist/debugAdapter.js');
const FIXTURE = resolve('test/fixtures/dap/console.heap');
const SPIN = resolve('test/fixtures/dap/spin.heap');


const VSCODE_INIT: DebugProtocol.InitializeRequestArguments = {
  clientID: 'vscode', clientName: 'Visual Studio Code', adapterID: 'heapstep', pathFormat: 'path',
  linesStartAt1: true, columnsStartAt1: true, supportsVariableType: true, supportsVariablePaging: true,
  supportsRunInTerminalRequest: true, locale: 'en', supportsProgressReporting: true,
  supportsInvalidatedEvent: true, supportsMemoryReferences: true, supportsArgsCanBeInterpretedByShell: true,
  supportsMemoryEvent: true, supportsStartDebuggingRequest: true,
};

const hex = (n: bigint | number) => '0x' + n.toString(16);

describe('Debug Console, hover, watch and variable writes over stdio', function () {
  this.timeout(30000);
  let dc: DebugClient;
  let events: DebugProtocol.Event[];
  beforeEach(async () => {
    dc = new DebugClient('node', ADAPTER, 'heapstep');
    await dc.start();
    events = [];
    for (const e of ['invalidated', 'memory', 'progressStart', 'progressUpdate', 'progressEnd']) dc.on(e, (ev: DebugProtocol.Event) => events.push(ev));
  });
  afterEach(() => dc.stop());

  const launch = (program: string) => dc.launchRequest({ program } as DebugProtocol.LaunchRequestArguments);
  async function stopAt(name: string, init = VSCODE_INIT, file = FIXTURE): Promise<number> {
    await dc.initializeRequest(init);
    const line = marker(file, name);
    await Promise.all([
      dc.waitForEvent('initialized').then(() => dc.setBreakpointsRequest({ source: { path: file }, breakpoints: [{ line }] }))
        .then(() => dc.configurationDoneRequest()),
      launch(file),
      dc.assertStoppedLocation('breakpoint', { path: file, line }),
    ]);
    return (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0].id;
  }
  const ev = async (expression: string, frameId?: number, context = 'repl') => (await dc.evaluateRequest({ expression, frameId, context })).body;
  const val = async (expression: string, frameId?: number, context = 'repl') => (await ev(expression, frameId, context)).result;
  const num = async (expression: string, frameId?: number) => BigInt((await val(expression, frameId)).split(' ')[0]);
  const children = async (ref: number) => (await dc.variablesRequest({ variablesReference: ref })).body.variables;

  it('evaluates expressions of the scenario language, with structs and arrays that expand', async () => {
    const f = await stopAt('#BP_LOOK');
    assert.equal(await val('n->val', f), '42');
    // n's size field: request2size(16) = 0x20, PREV_INUSE set (the tcache struct before it is in use)
    assert.equal(await val('*(long *)((char *)n - 8)', f), '33');
    assert.equal(await val('a[3] + 1', f), '10');
    assert.equal(await val('sizeof(struct node)', f), '16');
    assert.equal(await val('(unsigned char)(counter + 0x100)', f), "7 '\\x07'");
    assert.match(await val('msg', f), /^0x[0-9a-f]+ "hi there"$/);
    assert.equal(await val('n->val', f, 'hover'), '42');
    assert.equal(await val('t2 - t1', f), '32');                // two 0x20 chunks apart

    const table = await ev('table', f);
    assert.equal(table.indexedVariables, 4);
    assert.deepEqual((await children(table.variablesReference)).map((v) => v.value), ['1', '2', '3', '4']);
    const star = await ev('*n', f);
    assert.equal(star.result, '{next = 0x0, val = 42}');
    assert.deepEqual((await children(star.variablesReference)).map((v) => v.name), ['next', 'val']);
    assert.equal(await val('*n', f, 'clipboard'), '{next = 0x0, val = 42}');
    await assert.rejects(dc.evaluateRequest({ expression: 'n->val = 1', frameId: f, context: 'clipboard' }), /copying a value never changes the program/);
    assert.match(await val('bins', f, 'watch'), /^tcachebins\n0x20 \[  2\]: /, 'a watch can show a command');
    const ptr = await ev('n', f, 'watch');
    assert.ok(ptr.variablesReference > 0, 'a pointer to a struct expands');
    assert.equal((await children(ptr.variablesReference)).find((v) => v.name === 'val')?.value, '42');

    await assert.rejects(dc.evaluateRequest({ expression: 'nosuch + 1', frameId: f, context: 'watch' }), /undeclared identifier 'nosuch'/);
    await assert.rejects(dc.evaluateRequest({ expression: 'n->', frameId: f, context: 'repl' }), /expected|unexpected/);
  });

  it('evaluates in the frame the client selected', async () => {
    await stopAt('#BP_DEPTH');
    const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    assert.deepEqual(frames.map((x) => x.name), ['depth', 'main']);
    const [inner, outer] = frames.map((x) => x.id);
    assert.equal(await val('here + d', inner), '44');
    assert.equal(await val('n->val', outer), '42');
    await assert.rejects(dc.evaluateRequest({ expression: 'here', frameId: outer, context: 'watch' }), /undeclared identifier 'here'/);
    await assert.rejects(dc.evaluateRequest({ expression: 'n', frameId: inner, context: 'watch' }), /undeclared identifier 'n'/);
  });

  // the counters a look must leave alone (the scenario's own built-ins read them)
  const counters = async (f: number) => [await val('rss()', f), await val('minflt()', f), await val('syscalls()', f), await val('tlb_misses()', f)];

  it('reads without faulting a page in, filling the TLB or setting an accessed bit', async () => {
    const f = await stopAt('#BP_LOOK');
    const before = await counters(f);
    // m's mapping is 0x33000 bytes and malloc touched only its first page: a page never
    // touched reads as the zeroes the kernel would give it, without being faulted in
    assert.equal(await val('*(long *)(m + 0x10000)', f, 'hover'), '0');
    assert.match(await val('x/2gx m + 0x10000', f), /:\t0x0000000000000000\t0x0000000000000000$/);
    await assert.rejects(dc.evaluateRequest({ expression: '*(long *)0x1000', frameId: f, context: 'hover' }), /Cannot access memory at address 0x1000: not mapped/);
    assert.deepEqual(await counters(f), before);

    // ld.so's writable page is resident from the start but the program never touches it
    const ld = (await val('vmmap', f)).split('\n').filter((l) => l.includes('ld-linux') && l.includes(' rw-p '))[0];
    const page = '0x' + ld.split('-')[0];
    const walk = async () => (await val(`pagewalk ${page}`, f)).split('\n').filter((l) => /^\s+PT |TLB/.test(l)).join('\n');
    const w0 = await walk();
    assert.match(w0, /TLB miss/);
    assert.match(w0, /P RW US - - /, 'neither accessed nor dirty');
    await val(`*(long *)${page} + *(long *)(${page} + 8)`, f);
    await val(`x/4gx ${page}`, f);
    await val(`chunk ${page}`, f);
    assert.equal(await walk(), w0);
    // a debugger write neither: the same value stored back leaves the entry and the TLB alone
    await val(`*(long *)(${page} + 8) = *(long *)(${page} + 8)`, f);
    assert.equal(await walk(), w0);
    assert.deepEqual(await counters(f), before);
  });

  it('reads the syscalls() counter as the Process scope shows it', async () => {
    const f = await stopAt('#BP_LOOK');
    const scopes = (await dc.scopesRequest({ frameId: f })).body.scopes;
    const proc = scopes.find((s) => s.name === 'Process');
    assert.ok(proc, 'a Process scope');
    const vars = (await dc.variablesRequest({ variablesReference: proc.variablesReference })).body.variables;
    const shown = vars.find((v) => v.name === 'syscalls');
    assert.ok(shown, 'Process has syscalls');
    assert.ok(Number(await val('syscalls()', f)) >= 3, 'the first malloc alone made three');
    assert.equal(await val('syscalls()', f), shown.value.split(' ')[0]);
  });

  it('refuses side effects in hovers and watches; in the console an assignment writes, as gdb print does', async () => {
    const f = await stopAt('#BP_LOOK');
    await assert.rejects(dc.evaluateRequest({ expression: 'n->val = 5', frameId: f, context: 'hover' }), /assigns; a hover never changes the program/);
    await assert.rejects(dc.evaluateRequest({ expression: 'counter++', frameId: f, context: 'watch' }), /increments; a watch never changes the program/);
    await assert.rejects(dc.evaluateRequest({ expression: 'malloc(8)', frameId: f, context: 'hover' }), /calls malloc\(\)/);
    await assert.rejects(dc.evaluateRequest({ expression: 'depth(1)', frameId: f, context: 'repl' }), /calls the scenario function depth\(\)/);
    await assert.rejects(dc.evaluateRequest({ expression: 'counter = (long)malloc(8)', frameId: f, context: 'repl' }), /not evaluated: the expression calls malloc\(\)/);
    await assert.rejects(dc.evaluateRequest({ expression: 'print n->val = 5', frameId: f, context: 'watch' }), /a watch never changes/);
    assert.equal(await val('n->val', f), '42');

    const at = await num('&counter', f);
    events.length = 0;
    assert.equal(await val('counter = 99', f), '99');
    assert.equal(await val('counter', f), '99');
    assert.ok(events.some((e) => e.event === 'invalidated' && e.body.areas.includes('variables')));
    const mem = events.find((e) => e.event === 'memory');
    assert.deepEqual(mem?.body, { memoryReference: hex(at), offset: 0, count: 8 });
    assert.equal(await val('print/x n->val = 0x41', f), '0x41');
    assert.equal(await val('n->val', f), '65');

    const rss = await val('rss()', f);
    await assert.rejects(dc.evaluateRequest({ expression: '*(long *)(m + 0x10000) = 1', frameId: f, context: 'repl' }), /Cannot write memory at address 0x[0-9a-f]+.*not resident/);
    await assert.rejects(dc.evaluateRequest({ expression: '*(char *)0x555555554000 = 1', frameId: f, context: 'repl' }), /Cannot write memory at address 0x555555554000: .*not writable/);
    assert.equal(await val('rss()', f), rss);
  });

  it('chunk shows malloc_chunk: flag bits, safe-linking decoded, the bin', async () => {
    const f = await stopAt('#BP_LOOK');
    const n = await num('n', f), t1 = await num('t1', f), t2 = await num('t2', f);
    const c = await val('chunk n', f);
    assert.match(c, /^\(0x[0-9a-f]+ is the pointer malloc returned/);
    assert.match(c, /\nAllocated chunk \| PREV_INUSE\n/);
    assert.ok(c.includes(`Addr: ${hex(n - 16n)}\n`));
    assert.ok(c.includes('Size: 0x20 (with flag bits: 0x21) [A:0 M:0 P:1]'));
    assert.ok(c.includes('In: no bin (in use; usable 0x18 bytes)'));
    assert.equal((await val(`chunk ${hex(n - 16n)}`, f)).split('\n')[0], 'Allocated chunk | PREV_INUSE', 'a chunk address needs no note');

    // tcache bin 0 holds t2 -> t1; glibc stores e->next as PROTECT_PTR(&e->next, next) =
    // (&e->next >> 12) ^ next, and &e->next is the user pointer t2
    const t = await val('chunk t2', f);
    assert.match(t, /\nFree chunk \(tcachebins\) \| PREV_INUSE\n/);
    assert.ok(t.includes(`fd: ${hex((t2 >> 12n) ^ t1)} (safe-linking: REVEAL_PTR gives ${hex(t1)}`), t);
    assert.ok(t.includes('In: tcache bin 0 (tcachebins[0x20], entry 1 of 2; count 2)'), t);
    assert.ok((await val('chunk t1', f)).includes('In: tcache bin 0 (tcachebins[0x20], entry 2 of 2; count 2)'));
    assert.ok((await val('chunk s', f)).includes('In: tcache bin 5 (tcachebins[0x70]'));

    // malloc(200 KiB) is mmapped: request2size = 0x32010, mapped size ALIGN_UP(0x32010 + 8, 4096)
    const mm = await val('chunk m', f);
    assert.match(mm, /Allocated chunk \| IS_MMAPPED\n/);
    assert.ok(mm.includes('Size: 0x33000 (with flag bits: 0x33002) [A:0 M:1 P:0]'), mm);
    assert.ok(mm.includes('In: its own mapping'));
    assert.match(await val('chunk 0', f), /Cannot access memory at address 0x0/);
    await assert.rejects(dc.evaluateRequest({ expression: 'chunk', frameId: f, context: 'repl' }), /usage: chunk EXPR/);
  });

  it('x/NFU examines memory as gdb does and remembers the last format and size', async () => {
    const f = await stopAt('#BP_LOOK');
    const n = await num('n', f), msg = await num('msg', f), counter = await num('&counter', f), table = await num('&table[0]', f);
    assert.equal(await val('x/2gx n', f), `${hex(n)}:\t0x0000000000000000\t0x000000000000002a`);
    assert.equal(await val('x/1 (char *)n + 8', f), `${hex(n + 8n)}:\t0x000000000000002a`, 'g and x remembered');
    assert.equal(await val('x/s msg', f), `${hex(msg)}:\t"hi there"`);
    assert.equal(await val('x/4xb msg', f), `${hex(msg)}:\t0x68\t0x69\t0x20\t0x74`);
    assert.equal(await val('x', f), `${hex(msg + 4n)}:\t0x68`, 'continues after the last unit');
    assert.equal(await val('x/2dw table', f), `${hex(table)} <table>:\t1\t2`);
    assert.equal(await val('x/dw &table[1]', f), `${hex(table + 4n)} <table+4>:\t2`);
    assert.equal(await val('x/tb &counter', f), `${hex(counter)} <counter>:\t00000111`);
    assert.equal(await val('x/ob &counter', f), `${hex(counter)} <counter>:\t07`);
    assert.equal(await val('x/c msg', f), `${hex(msg)}:\t104 'h'`);
    assert.equal(await val('x/2a (long *)n - 2', f), `${hex(n - 16n)}:\t0x0\t0x21`);
    await assert.rejects(dc.evaluateRequest({ expression: 'x/a &n', frameId: f, context: 'repl' }), /'n' lives in a register/);
    await assert.rejects(dc.evaluateRequest({ expression: 'x/i n', frameId: f, context: 'repl' }), /no machine instructions/);
    await assert.rejects(dc.evaluateRequest({ expression: 'x/4q n', frameId: f, context: 'repl' }), /undefined format letter 'q'/);
    assert.equal(await val('x/4gx 0x1000', f), '0x1000:\tCannot access memory at address 0x1000 (not mapped)');
    const top = await num('(long)brk_now()', f);
    assert.equal(await val(`x/3gx ${hex(top - 16n)}`, f), `${hex(top - 16n)}:\t0x0000000000000000\t0x0000000000000000\n${hex(top)}:\tCannot access memory at address ${hex(top)} (not mapped)`);
  });

  it('try_free predicts free from a copy of the machine and changes nothing', async () => {
    const f = await stopAt('#BP_LOOK');
    const msg = await num('msg', f);
    const state = async () => [await val('heap', f), await val('bins', f), await val('vmmap', f), await val('rss()', f), await val('minflt()', f)];
    const before = await state();
    // request2size(32) = 0x30: tcache bin (0x30 - 0x20) / 0x10 = 1
    assert.match(await val('try_free msg', f), new RegExp(`^free\\(${hex(msg)}\\) would put chunk ${hex(msg - 16n)} \\(size 0x30\\) into tcache bin 1 `));
    assert.match(await val('try_free s', f), /^free\(0x[0-9a-f]+\) would abort: free\(\): double free detected in tcache 2\n/);
    assert.match(await val('try_free big', f), /would merge chunk 0x[0-9a-f]+ \(size 0x7e0\) into top/);
    assert.match(await val('try_free m', f), /would munmap the chunk \(size 0x33000\)/);
    assert.match(await val('try_free (char *)n + 8', f), /would abort: free\(\): invalid pointer/);
    assert.match(await val('try_free 0', f), /does nothing/);
    assert.deepEqual(await state(), before);

    // and the program's own free does what was predicted
    await Promise.all([dc.nextRequest({ threadId: 1 }), dc.assertStoppedLocation('step', { line: marker(FIXTURE, '#BP_FREE_MSG') })]);
    await Promise.all([dc.nextRequest({ threadId: 1 }), dc.assertStoppedLocation('step', { line: marker(FIXTURE, '#AFTER_FREE_MSG') })]);
    const g = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0].id;
    assert.ok((await val('chunk msg', g)).includes('In: tcache bin 1 (tcachebins[0x30]'));
  });

  it('setVariable and setExpression write emulated memory, and glibc then sees a corrupted header', async () => {
    const f = await stopAt('#BP_LOOK');
    const scopes = (await dc.scopesRequest({ frameId: f })).body.scopes;
    const ref = (name: string) => scopes.find((s) => s.name === name)!.variablesReference;
    const counter = await num('&counter', f);

    events.length = 0;
    const set = await dc.setVariableRequest({ variablesReference: ref('Globals'), name: 'counter', value: '100 + 23' });
    assert.equal(set.body.value, '123');
    assert.equal(await val('counter', f), '123');
    assert.deepEqual(events.find((e) => e.event === 'memory')?.body, { memoryReference: hex(counter), offset: 0, count: 8 });
    assert.ok(events.some((e) => e.event === 'invalidated'));

    await dc.setVariableRequest({ variablesReference: ref('Locals'), name: 'k', value: '40' });
    assert.equal(await val('k', f), '40');
    const n = await ev('n', f);
    await dc.setVariableRequest({ variablesReference: n.variablesReference, name: 'val', value: '7' });
    assert.equal(await val('n->val', f), '7');
    const table = await ev('table', f);
    await dc.setVariableRequest({ variablesReference: table.variablesReference, name: '[2]', value: '30' });
    assert.equal(await val('table[2]', f), '30');
    await assert.rejects(dc.setVariableRequest({ variablesReference: ref('Heap'), name: 'av->top', value: '0' }), /read-only/);

    const r = await dc.customRequest('setExpression', { expression: 'n->val', value: '41', frameId: f });
    assert.equal(r.body.value, '41');
    assert.equal(await val('n->val', f), '41');
    await assert.rejects(dc.customRequest('setExpression', { expression: 'n->val + 1', value: '1', frameId: f }), /not something that can be assigned/);
    await assert.rejects(dc.customRequest('setExpression', { expression: '*(long *)(m + 0x10000)', value: '1', frameId: f }), /not resident/);

    // msg's size field 0x31 becomes 0x29: chunksize 0x28 is misaligned, and _int_free says so
    const msg = await num('msg', f);
    events.length = 0;
    await dc.customRequest('setExpression', { expression: '*(long *)(msg - 8)', value: '0x29', frameId: f });
    assert.deepEqual(events.find((e) => e.event === 'memory')?.body, { memoryReference: hex(msg - 8n), offset: 0, count: 8 });
    assert.match(await val('try_free msg', f), /would abort: free\(\): invalid size/);
    await Promise.all([dc.continueRequest({ threadId: 1 }), dc.assertStoppedLocation('exception', { line: marker(FIXTURE, '#BP_FREE_MSG') })]);
    const info = await dc.customRequest('exceptionInfo', { threadId: 1 });
    assert.match(info.body.description, /free\(\): invalid size/);
  });

  it('completes variables, struct fields after . and ->, commands and built-ins', async () => {
    const f = await stopAt('#BP_LOOK');
    const labels = async (text: string, column = text.length + 1) => (await dc.completionsRequest({ text, column, frameId: f })).body.targets.map((t) => t.label).sort();
    assert.deepEqual(await labels('n->'), ['next', 'val']);
    assert.deepEqual(await labels('print n->v'), ['val']);
    assert.deepEqual(await labels('(*n).ne'), ['next']);
    assert.deepEqual(await labels('x/2gx n->next->'), ['next', 'val']);
    assert.deepEqual(await labels('struct '), ['node']);
    assert.deepEqual(await labels('tab'), ['table']);
    const start = await labels('');
    for (const want of ['chunk', 'try_free', 'heap', 'bins', 'x', 'help', 'msg', 'counter', 'rss']) assert.ok(start.includes(want), want);
    assert.ok(!(await labels('p ')).includes('try_free'), 'commands only start a line');
    assert.deepEqual(await labels('he'), ['heap', 'help'], "another frame's locals (here) are not offered");
    const item = (await dc.completionsRequest({ text: 'n->va + 1', column: 6, frameId: f })).body.targets[0];
    assert.deepEqual([item.label, item.start, item.length], ['val', 4, 2]);
    assert.deepEqual(await labels('x/4g'), []);
  });

  it('help lists the commands; pagewalk takes an expression', async () => {
    const f = await stopAt('#BP_LOOK');
    const h = await val('help', f);
    for (const usage of ['chunk EXPR', 'x/NFU [EXPR]', 'try_free EXPR', 'pagewalk EXPR', 'heap', 'bins', 'print[/F] EXPR']) assert.ok(h.includes(usage), usage);
    assert.match(await val('help x', f), /^x\/NFU \[EXPR\]\n/);
    await assert.rejects(dc.evaluateRequest({ expression: 'help nosuch', frameId: f, context: 'repl' }), /no command 'nosuch'/);
    const n = await num('n', f);
    assert.ok((await val('pagewalk n + 1', f)).startsWith(`page walk of ${hex(n + 16n)} `), 'struct node * + 1 is 16 bytes on');
    await assert.rejects(dc.evaluateRequest({ expression: 'pagewalk', frameId: f, context: 'repl' }), /usage: pagewalk EXPR/);
  });

  it('reports progress while a continue runs long; cancelling it pauses', async () => {
    await dc.initializeRequest(VSCODE_INIT);
    await Promise.all([dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest()), launch(SPIN)]);
    const start = await dc.waitForEvent('progressStart', 5000);
    assert.equal(start.body.cancellable, true);
    const update = await dc.waitForEvent('progressUpdate', 5000);
    assert.match(update.body.message, /^[\d,]+ statements run$/);
    await Promise.all([
      dc.customRequest('cancel', { progressId: start.body.progressId }),
      dc.waitForEvent('stopped').then((e) => assert.equal(e.body.reason, 'pause')),
      dc.waitForEvent('progressEnd').then((e) => assert.equal(e.body.progressId, start.body.progressId)),
    ]);
    assert.equal(await val('total > 0'), '1');
  });

  it('sends no progress for a short run', async () => {
    await dc.initializeRequest(VSCODE_INIT);
    await Promise.all([dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest()), launch(FIXTURE), dc.waitForEvent('terminated')]);
    assert.deepEqual(events.filter((e) => e.event.startsWith('progress')), []);
  });

  it('sends no progress to a client that did not ask for it', async () => {
    await dc.initializeRequest({ ...VSCODE_INIT, supportsProgressReporting: false });
    await Promise.all([dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest()), launch(SPIN)]);
    await new Promise((r) => setTimeout(r, 1500));
    await Promise.all([dc.pauseRequest({ threadId: 1 }), dc.waitForEvent('stopped')]);
    assert.deepEqual(events.filter((e) => e.event.startsWith('progress')), []);
  });
});
