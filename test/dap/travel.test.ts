// heapstep/travel, the timeline's jump: to an earlier or a later step of the same run, with the
// machine as it was there; bad arguments answered in words.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { BARE_INIT, startClient } from './client';

const FIXTURE = resolve('test/fixtures/dap/simple.heap');
const lineOf = (name: string) => readFileSync(FIXTURE, 'utf8').split('\n').findIndex((l) => l.includes(name)) + 1;

interface Look { step: number; line: number; heapChunks: number }

describe('heapstep/travel', function () {
  this.timeout(20000);
  let dc: DebugClient;
  beforeEach(async () => { dc = await startClient(BARE_INIT); });
  afterEach(() => dc.stop());

  async function look(): Promise<Look> {
    const st = await dc.customRequest('heapstep/state', { record: false });
    const frames = await dc.stackTraceRequest({ threadId: 1 });
    return { step: st.body.step, line: frames.body.stackFrames[0].line, heapChunks: st.body.chunks.length };
  }
  async function stopAtMalloc(): Promise<void> {
    const line = lineOf('#BP_MALLOC');
    await Promise.all([
      dc.waitForEvent('initialized').then(() => dc.setBreakpointsRequest({ source: { path: FIXTURE }, breakpoints: [{ line }] }))
        .then(() => dc.configurationDoneRequest()),
      dc.launch({ program: FIXTURE }),
      dc.assertStoppedLocation('breakpoint', { path: FIXTURE, line }),
    ]);
  }
  const travel = (step: number) => Promise.all([dc.customRequest('heapstep/travel', { step }), dc.waitForEvent('stopped')]);

  it('goes back to a step before the malloc and forward again, the heap as it was at each', async () => {
    await stopAtMalloc();
    const before = await look();
    assert.equal(before.heapChunks, 0, 'no heap before the first malloc');
    for (let i = 0; i < 3; i++) await Promise.all([dc.nextRequest({ threadId: 1 }), dc.waitForEvent('stopped')]);
    const after = await look();
    assert.ok(after.step > before.step && after.heapChunks > 0, `stepped on and allocated: ${JSON.stringify(after)}`);

    await travel(before.step);
    assert.deepEqual(await look(), before);
    await travel(after.step);
    assert.deepEqual(await look(), after);
  });

  it('answers bad arguments and a request before launch with an error', async () => {
    await assert.rejects(dc.customRequest('heapstep/travel', { step: 3 }), /no program is running|launch/);
    await stopAtMalloc();
    await assert.rejects(dc.customRequest('heapstep/travel', { step: -1 }), /whole number/);
    await assert.rejects(dc.customRequest('heapstep/travel', {}), /whole number/);
  });
});
