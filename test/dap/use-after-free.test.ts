// The opt-in `use_after_free` exception filter: a program's load or store into a free chunk
// stops with the address, the chunk and its bin; glibc's own writes into its bins do not.
import { strict as assert } from 'node:assert';
import { resolve } from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { marker } from './client';

const ADAPTER = resolve('dist/debugAdapter.js');
const UAF = resolve('test/fixtures/dap/uaf.heap');
const CLEAN = resolve('test/fixtures/dap/no-uaf.heap');


describe('use of freed memory', function () {
  this.timeout(20000);
  let dc: DebugClient;
  let init: DebugProtocol.InitializeResponse;
  beforeEach(async () => {
    dc = new DebugClient('node', ADAPTER, 'heapstep');
    await dc.start();
    init = await dc.initializeRequest({ adapterID: 'heapstep', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
  });
  afterEach(() => dc.stop());

  // Runs with the given filters; the first stop, or the exit status if none came.
  async function run(program: string, filters: string[]): Promise<DebugProtocol.StoppedEvent | number> {
    const ended = Promise.race([dc.waitForEvent('stopped'), dc.waitForEvent('exited').then((e) => (e as DebugProtocol.ExitedEvent).body.exitCode)]);
    await Promise.all([
      dc.waitForEvent('initialized').then(() => dc.setExceptionBreakpointsRequest({ filters })).then(() => dc.configurationDoneRequest()),
      dc.launch({ program }),
    ]);
    return ended as Promise<DebugProtocol.StoppedEvent | number>;
  }

  it('is offered, off by default', () => {
    const f = init.body?.exceptionBreakpointFilters?.find((x) => x.filter === 'use_after_free');
    assert.equal(f?.label, 'Use of freed memory');
    assert.equal(f?.default, false);
  });

  it('on: reading a freed chunk\'s tcache next stops with the address, the chunk and its bin', async () => {
    const stop = await run(UAF, ['sigsegv', 'sigabrt', 'use_after_free']);
    assert.notEqual(typeof stop, 'number', 'a stop, not the exit');
    const e = stop as DebugProtocol.StoppedEvent;
    assert.equal(e.body.reason, 'exception');
    const line = marker(UAF, '#UAF_READ');
    assert.equal(e.body.text, `use of freed memory: read of 8 bytes at 0x5555555592a0: inside chunk 0x555555559290 (0x20), freed into tcache[0x20], by line ${line} (long v = a[0];                  // #UAF_READ)`);
    const info = await dc.exceptionInfoRequest({ threadId: 1 });
    assert.match(info.body.description ?? '', /read of 8 bytes at 0x5555555592a0: inside chunk 0x555555559290 \(0x20\), freed into tcache\[0x20\]/);
    // the program may go on past it
    const exited = dc.waitForEvent('exited');
    await dc.continueRequest({ threadId: 1 });
    await exited;
  });

  it('on: a write into a chunk in the unsorted bin stops too', async () => {
    const file = resolve('test/fixtures/dap/uaf-write.heap');
    const stop = await run(file, ['use_after_free']) as DebugProtocol.StoppedEvent;
    assert.equal(stop.body?.reason, 'exception');
    assert.match(stop.body.text ?? '', /^use of freed memory: write of 8 bytes at 0x5555555592a8: inside chunk 0x555555559290 \(0x510\), freed into the unsorted bin, by line /);
    assert.match(stop.body.text ?? '', new RegExp(`by line ${marker(file, '#UAF_WRITE')} `));
  });

  it('off: the same program runs to its end', async () => {
    assert.equal(await run(UAF, ['sigsegv', 'sigabrt']), 0);
  });

  it('on: a program that never touches freed memory runs through', async () => {
    assert.equal(await run(CLEAN, ['sigsegv', 'sigabrt', 'use_after_free']), 0);
  });
});
