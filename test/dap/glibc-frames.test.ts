// Step Into an allocator call: glibc's path as frames over a generated, read-only listing.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { BARE_INIT, startClient } from './client';
import type { DebugProtocol } from '@vscode/debugprotocol';

const FIXTURE = resolve('test/fixtures/dap/glibc-path.heap');

function marker(name: string): number {
  const i = readFileSync(FIXTURE, 'utf8').split('\n').findIndex((l) => l.includes(name));
  if (i < 0) throw new Error(`no marker ${name}`);
  return i + 1;
}

describe('glibc frames: stepping into malloc and free', function () {
  this.timeout(20000);
  let dc: DebugClient;
  beforeEach(async () => { dc = await startClient(BARE_INIT); });
  afterEach(() => dc.stop());

  async function stopAt(name: string): Promise<void> {
    const line = marker(name);
    await Promise.all([
      dc.waitForEvent('initialized').then(() => dc.setBreakpointsRequest({ source: { path: FIXTURE }, breakpoints: [{ line }] }))
        .then(() => dc.configurationDoneRequest()),
      dc.launch({ program: FIXTURE }),
      dc.assertStoppedLocation('breakpoint', { path: FIXTURE, line }),
    ]);
  }
  const stack = async (): Promise<DebugProtocol.StackFrame[]> => (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
  const names = async (): Promise<string[]> => (await stack()).map((f) => f.name);
  async function step(kind: 'stepIn' | 'next' | 'stepOut' | 'stepBack'): Promise<DebugProtocol.StoppedEvent> {
    const [, e] = await Promise.all([dc[`${kind}Request`]({ threadId: 1 }), dc.waitForEvent('stopped')]);
    return e as DebugProtocol.StoppedEvent;
  }
  async function locals(frameId: number): Promise<Record<string, string>> {
    const sc = await dc.scopesRequest({ frameId });
    const v = await dc.variablesRequest({ variablesReference: sc.body.scopes[0].variablesReference });
    return Object.fromEntries(v.body.variables.map((x) => [x.name, x.value]));
  }

  it('the first malloc: malloc → tcache_init → _int_malloc → sysmalloc over a deemphasized listing, with locals', async () => {
    await stopAt('#FIRST_MALLOC');
    await step('stepIn');
    const top = (await stack())[0];
    assert.deepEqual(await names(), ['malloc', 'main']);
    assert.ok(top.source?.sourceReference && top.source.sourceReference > 0, 'a generated source');
    assert.equal(top.source?.presentationHint, 'deemphasize');
    assert.equal((await stack())[1].line, marker('#FIRST_MALLOC'), 'main is at the call');
    assert.equal((await locals(top.id)).bytes, '0x18');
    const text = (await dc.customRequest('source', { source: top.source, sourceReference: top.source!.sourceReference })).body.content as string;
    const lines = text.split('\n');
    assert.match(lines[top.line - 1], /^malloc \(bytes=0x18\)/);
    assert.ok(lines.some((l) => /sysmalloc: brk \+0x21000/.test(l)), text);

    // step in until sysmalloc is on top: the whole chain is on the stack
    let seen: string[] = [];
    for (let i = 0; i < 10 && seen[0] !== 'sysmalloc'; i++) { await step('stepIn'); seen = await names(); }
    assert.deepEqual(seen, ['sysmalloc', '_int_malloc', 'tcache_init', 'malloc', 'main']);
    const sys = (await stack())[0];
    assert.equal((await locals(sys.id)).nb, '0x290');
    // a hover over the listing: the frame's own local first, the scenario's variables after
    assert.equal((await dc.evaluateRequest({ expression: 'nb', frameId: sys.id, context: 'hover' })).body.result, '0x290');
    assert.match((await dc.evaluateRequest({ expression: 'p', frameId: sys.id, context: 'hover' })).body.result, /^0x/);
    // a caller sits at its call: the line where the callee's listing opens
    const callers = await stack();
    assert.ok(callers[1].line <= callers[0].line);
    assert.match(lines[callers[1].line - 1], /^\s+sysmalloc \(nb=0x290\)$/);

    // step out twice: back in tcache_init, then in malloc
    await step('stepOut');
    assert.deepEqual(await names(), ['tcache_init', 'malloc', 'main']);
    await step('stepOut');
    assert.deepEqual(await names(), ['malloc', 'main']);
    // next over _int_malloc to the return, then past it: main at the free
    for (let i = 0; i < 10 && (await names())[0] !== 'main'; i++) await step('next');
    assert.deepEqual(await names(), ['main']);
    assert.equal((await stack())[0].line, marker('#FREE'));
  });

  it('step back walks the path backwards, then to the statement before the call', async () => {
    await stopAt('#FREE');
    await step('stepIn');
    assert.deepEqual(await names(), ['free', 'main']);
    await step('stepIn');
    const deeper = await names();
    assert.equal(deeper[0], '_int_free');
    await step('stepBack');
    assert.deepEqual(await names(), ['free', 'main']);
    await step('stepBack');
    assert.deepEqual(await names(), ['main']);
    assert.equal((await stack())[0].line, marker('#FREE'));
    await step('stepBack');
    assert.equal((await stack())[0].line, marker('#FIRST_MALLOC'));
  });

  it('continue leaves the path', async () => {
    await stopAt('#TCACHE_HIT');
    await step('stepIn');
    assert.deepEqual(await names(), ['malloc', 'main']);
    const src = (await stack())[0].source!;
    const text = (await dc.customRequest('source', { source: src, sourceReference: src.sourceReference })).body.content as string;
    assert.match(text, /tcache_get: bin 0/);
    await Promise.all([dc.continueRequest({ threadId: 1 }), dc.waitForEvent('stopped')]);   // the double free
    assert.ok(!(await names()).includes('malloc'));
  });

  it('a malloc in a return statement: the frame that returned is still shown as the caller', async () => {
    await stopAt('#RETURN_MALLOC');
    await step('stepIn');
    assert.deepEqual(await names(), ['malloc', 'helper', 'main']);
  });

  it('a double free: the stack at the check that aborts, then the exit', async () => {
    await stopAt('#DOUBLE_FREE');
    const e = await step('stepIn');
    assert.equal(e.body.reason, 'exception');
    const st = await stack();
    assert.deepEqual(st.map((f) => f.name), ['_int_free', 'free', 'main']);
    const text = (await dc.customRequest('source', { source: st[0].source, sourceReference: st[0].source!.sourceReference })).body.content as string;
    assert.match(text.split('\n')[st[0].line - 1], /abort: free\(\): double free detected in tcache 2/);
    await Promise.all([dc.nextRequest({ threadId: 1 }), dc.waitForEvent('terminated')]);
  });
});
