// restart: the program again from disk, on a fresh machine, with the breakpoints the client set.
import { strict as assert } from 'node:assert';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { marker } from './client';

const ADAPTER = resolve('dist/debugAdapter.js');
const SIMPLE = resolve('test/fixtures/dap/simple.heap');


describe('restart', function () {
  this.timeout(20000);
  let dc: DebugClient;
  beforeEach(async () => {
    dc = new DebugClient('node', ADAPTER, 'heapstep');
    await dc.start();
  });
  afterEach(() => dc.stop());

  async function scope(name: string): Promise<DebugProtocol.Variable[]> {
    const st = await dc.stackTraceRequest({ threadId: 1 });
    const sc = await dc.scopesRequest({ frameId: st.body.stackFrames[0].id });
    const s = sc.body.scopes.find((x) => x.name === name);
    assert.ok(s, `a ${name} scope`);
    return (await dc.variablesRequest({ variablesReference: s!.variablesReference })).body.variables;
  }
  const value = async (scopeName: string, v: string): Promise<string> => (await scope(scopeName)).find((x) => x.name === v)?.value ?? '(none)';

  async function launchTo(program: string, line: number, extra: Record<string, unknown> = {}): Promise<void> {
    const init = await dc.initializeRequest({ adapterID: 'heapstep', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
    assert.equal(init.body?.supportsRestartRequest, true);
    await Promise.all([
      dc.waitForEvent('initialized').then(() => dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [{ line }] })).then(() => dc.configurationDoneRequest()),
      dc.launch({ program, ...extra }),
      dc.assertStoppedLocation('breakpoint', { path: program, line }),
    ]);
  }

  it('after a few steps stops again at the same breakpoint with a fresh heap', async () => {
    const line = marker(SIMPLE, '#BP_MALLOC');
    await launchTo(SIMPLE, line, { ram: '64MiB' });
    const p0 = await value('Locals', 'p');
    const flt0 = await value('Process', 'minflt');
    const bpId = (await dc.setBreakpointsRequest({ source: { path: SIMPLE }, breakpoints: [{ line }] })).body.breakpoints[0].id;
    for (let i = 0; i < 3; i++) await Promise.all([dc.nextRequest({ threadId: 1 }), dc.waitForEvent('stopped')]);
    assert.notEqual(await value('Locals', 'p'), p0, 'p changed after the malloc');
    const [, stopped] = await Promise.all([dc.send('restart', {}), dc.waitForEvent('stopped')]);
    assert.equal(stopped.body.reason, 'breakpoint');
    assert.deepEqual(stopped.body.hitBreakpointIds, [bpId], 'the client\'s id still names the breakpoint');
    const st = await dc.stackTraceRequest({ threadId: 1 });
    assert.equal(st.body.stackFrames[0].line, line);
    assert.equal(await value('Locals', 'p'), p0);
    assert.equal(await value('Process', 'minflt'), flt0);
  });

  it('with stopOnEntry stops at the entry again', async () => {
    await dc.initializeRequest({ adapterID: 'heapstep', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
    await Promise.all([
      dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest()),
      dc.launch({ program: SIMPLE, stopOnEntry: true }),
      dc.waitForEvent('stopped'),
    ]);
    await Promise.all([dc.nextRequest({ threadId: 1 }), dc.waitForEvent('stopped')]);
    const [, stopped] = await Promise.all([dc.send('restart', {}), dc.waitForEvent('stopped')]);
    assert.equal(stopped.body.reason, 'entry');
  });

  it('of a file edited into a syntax error: the located error, and the old run stays', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'heapstep-restart-'));
    const file = join(dir, 'prog.heap');
    copyFileSync(SIMPLE, file);
    const line = marker(file, '#BP_MALLOC');
    await launchTo(file, line);
    const output: string[] = [];
    dc.on('output', (e) => output.push((e as DebugProtocol.OutputEvent).body.output));
    writeFileSync(file, readFileSync(SIMPLE, 'utf8').replace('int k = twice(21);', 'int k = ;'));
    await assert.rejects(dc.send('restart', {}), /1 error/);
    assert.match(output.join(''), /prog\.heap:\d+:\d+: /);
    const st = await dc.stackTraceRequest({ threadId: 1 });
    assert.equal(st.body.stackFrames[0].line, line);
  });
});
