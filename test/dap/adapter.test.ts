// The shipped dist/debugAdapter.js over stdio, driven the way VS Code drives it.
import { strict as assert } from 'node:assert';
import { join, resolve } from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { marker, VSCODE_INIT } from './client';

const ADAPTER = resolve('dist/debugAdapter.js');
const FIXTURE = resolve('test/fixtures/dap/simple.heap');



describe('debug adapter over stdio', function () {
  this.timeout(20000);
  let dc: DebugClient;
  beforeEach(async () => {
    dc = new DebugClient('node', ADAPTER, 'heapstep');
    await dc.start();
    await dc.initializeRequest(VSCODE_INIT);
  });
  afterEach(() => dc.stop());

  it('stops at a line breakpoint on a malloc line and shows locals', async () => {
    const line = marker(FIXTURE, '#BP_MALLOC');
    await Promise.all([
      dc.waitForEvent('initialized').then(() => dc.setBreakpointsRequest({ source: { path: FIXTURE }, breakpoints: [{ line }] }))
        .then((r) => { assert.equal(r.body.breakpoints[0].verified, true); return dc.configurationDoneRequest(); }),
      dc.launch({ program: FIXTURE }),
      dc.assertStoppedLocation('breakpoint', { path: FIXTURE, line }),
    ]);
    const st = await dc.stackTraceRequest({ threadId: 1 });
    assert.equal(st.body.stackFrames[0].name, 'main');
    const sc = await dc.scopesRequest({ frameId: st.body.stackFrames[0].id });
    assert.deepEqual(sc.body.scopes.map((s) => s.name), ['Locals', 'Globals', 'Heap', 'Chunks', 'Bins', 'Mappings', 'Process', 'Machine']);
    // step over the malloc: p now points into the heap, 0x2a0 past its base
    await Promise.all([dc.nextRequest({ threadId: 1 }), dc.waitForEvent('stopped')]);
    const st2 = await dc.stackTraceRequest({ threadId: 1 });
    const sc2 = await dc.scopesRequest({ frameId: st2.body.stackFrames[0].id });
    const locals = await dc.variablesRequest({ variablesReference: sc2.body.scopes[0].variablesReference });
    const p = locals.body.variables.find((v) => v.name === 'p');
    assert.ok(p, 'p is a local');
    assert.match(p!.value, /^0x5555555592a0 → chunk 0x20/);
  });

  it('steps into a function and out again', async () => {
    const line = marker(FIXTURE, '#BP_TWICE');
    await Promise.all([
      dc.waitForEvent('initialized').then(() => dc.setBreakpointsRequest({ source: { path: FIXTURE }, breakpoints: [{ line }] }))
        .then(() => dc.configurationDoneRequest()),
      dc.launch({ program: FIXTURE }),
      dc.assertStoppedLocation('breakpoint', { path: FIXTURE, line }),
    ]);
    const st = await dc.stackTraceRequest({ threadId: 1 });
    assert.deepEqual(st.body.stackFrames.map((f) => f.name), ['twice', 'main']);
    await Promise.all([dc.stepOutRequest({ threadId: 1 }), dc.waitForEvent('stopped')]);
    const st2 = await dc.stackTraceRequest({ threadId: 1 });
    assert.deepEqual(st2.body.stackFrames.map((f) => f.name), ['main']);
  });

  it('steps back to the line before, with the heap as it was there', async () => {
    const line = marker(FIXTURE, '#BP_MALLOC');
    await Promise.all([
      dc.waitForEvent('initialized').then(() => dc.setBreakpointsRequest({ source: { path: FIXTURE }, breakpoints: [{ line }] }))
        .then(() => dc.configurationDoneRequest()),
      dc.launch({ program: FIXTURE }),
      dc.assertStoppedLocation('breakpoint', { path: FIXTURE, line }),
    ]);
    const brk = async () => (await dc.evaluateRequest({ expression: 'vmmap', context: 'repl' })).body.result.includes('[heap]');
    assert.equal(await brk(), false);                        // no heap before the first malloc
    await Promise.all([dc.nextRequest({ threadId: 1 }), dc.waitForEvent('stopped')]);
    assert.equal(await brk(), true);                         // malloc created it
    await Promise.all([dc.stepBackRequest({ threadId: 1 }), dc.assertStoppedLocation('step', { path: FIXTURE, line })]);
    assert.equal(await brk(), false);                        // and stepping back undoes it
    await Promise.all([dc.nextRequest({ threadId: 1 }), dc.waitForEvent('stopped')]);
    await Promise.all([dc.reverseContinueRequest({ threadId: 1 }), dc.assertStoppedLocation('breakpoint', { path: FIXTURE, line })]);
  });

  it('reads and writes emulated memory: a chunk header, then glibc notices the corruption', async () => {
    const line = marker(FIXTURE, 'free(p);');
    await Promise.all([
      dc.waitForEvent('initialized').then(() => dc.setBreakpointsRequest({ source: { path: FIXTURE }, breakpoints: [{ line }] }))
        .then(() => dc.configurationDoneRequest()),
      dc.launch({ program: FIXTURE }),
      dc.assertStoppedLocation('breakpoint', { path: FIXTURE, line }),
    ]);
    const r = await dc.customRequest('readMemory', { memoryReference: '0x555555559290', count: 16 });
    const header = Buffer.from(r.body.data, 'base64');
    assert.equal(header.readBigUInt64LE(8), 0x21n);                  // p's chunk: 0x20, PREV_INUSE
    const none = await dc.customRequest('readMemory', { memoryReference: '0x7fff00000000', count: 8 });
    assert.equal(none.body.unreadableBytes, 8);                       // not mapped: nothing to read
    const bad = Buffer.alloc(8); bad.writeBigUInt64LE(0x1n);          // size 0 with PREV_INUSE: corrupt
    await dc.customRequest('writeMemory', { memoryReference: '0x555555559298', data: bad.toString('base64') });
    await Promise.all([dc.continueRequest({ threadId: 1 }), dc.assertStoppedLocation('exception', { path: FIXTURE, line })]);
    const info = await dc.customRequest('exceptionInfo', { threadId: 1 });
    assert.match(info.body.description, /free\(\): invalid (pointer|size)/);
  });

  it('with the leak filter on, stops at exit when chunks are still allocated', async () => {
    const leaky = resolve('test/fixtures/dap/leak.heap');
    await Promise.all([
      dc.waitForEvent('initialized').then(() => dc.setExceptionBreakpointsRequest({ filters: ['leaks'] })).then(() => dc.configurationDoneRequest()),
      dc.launch({ program: leaky }),
      dc.waitForEvent('stopped').then((e) => assert.equal(e.body.reason, 'exception')),
    ]);
    const info = await dc.customRequest('exceptionInfo', { threadId: 1 });
    assert.match(info.body.description, /leaks at exit: 1 chunk \(48 bytes\)/);
    await Promise.all([dc.continueRequest({ threadId: 1 }), dc.waitForEvent('terminated')]);
  });

  it('stops at a function breakpoint on free', async () => {
    const line = marker(FIXTURE, 'free(p);') ;
    await Promise.all([
      dc.waitForEvent('initialized').then(() => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'free' }, { name: 'nosuch' }] }))
        .then((r) => { assert.deepEqual(r.body.breakpoints.map((b) => b.verified), [true, false]); return dc.configurationDoneRequest(); }),
      dc.launch({ program: FIXTURE }),
      dc.assertStoppedLocation('function breakpoint', { path: FIXTURE, line }),
    ]);
  });

  it('runs to the end, prints the program output and exits', async () => {
    const output: string[] = [];
    dc.on('output', (e) => output.push(e.body.output));
    await Promise.all([
      dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest()),
      dc.launch({ program: FIXTURE }),
      dc.waitForEvent('terminated'),
    ]);
    assert.ok(output.join('').includes('k=42\n'));
  });

  it('answers a launch of a file with a syntax error with an error response, not a crash', async () => {
    const bad = join('test', 'fixtures', 'dap', 'broken.heap');
    await assert.rejects(dc.launch({ program: resolve(bad) }), /error/);
  });

  it('answers pwndbg-style console commands', async () => {
    await Promise.all([
      dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest()),
      dc.launch({ program: FIXTURE, stopOnEntry: true }),
      dc.assertStoppedLocation('entry', {}),
    ]);
    const r = await dc.evaluateRequest({ expression: 'vmmap', context: 'repl' });
    assert.match(r.body.result, /\[stack\]/);
  });
});
