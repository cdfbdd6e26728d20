// Stepping back far into a long run: snapshots share the frames that did not change, so the
// machine restored from them must be byte for byte the one that ran forward.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { BARE_INIT, startClient } from './client';

const FIXTURE = resolve('test/fixtures/dap/churn.heap');
const DONE = readFileSync(FIXTURE, 'utf8').split('\n').findIndex((l) => l.includes('#DONE')) + 1;

describe('step back through a long run', function () {
  this.timeout(30000);
  let dc: DebugClient;
  beforeEach(async () => { dc = await startClient(BARE_INIT); });
  afterEach(() => dc.stop());

  const view = async (): Promise<string> => {
    const parts = await Promise.all(['heap', 'bins', 'vmmap'].map((e) => dc.evaluateRequest({ expression: e, context: 'repl' })));
    return parts.map((p) => p.body.result).join('\n');
  };

  it('steps back and forth at the end of 60,000 statements, then reverse-continues to the start and runs again to the same heap', async () => {
    await Promise.all([
      dc.waitForEvent('initialized').then(() => dc.setBreakpointsRequest({ source: { path: FIXTURE }, breakpoints: [{ line: DONE }] }))
        .then(() => dc.configurationDoneRequest()),
      dc.launch({ program: FIXTURE }),
      dc.assertStoppedLocation('breakpoint', { path: FIXTURE, line: DONE }),
    ]);
    const atDone = await view();
    const seen: string[] = [];
    for (let k = 0; k < 4; k++) {
      await Promise.all([dc.stepBackRequest({ threadId: 1 }), dc.waitForEvent('stopped')]);
      seen.push(await view());
    }
    assert.notEqual(seen[1], atDone, 'stepping back undid a malloc or a free');
    for (let k = 2; k >= 0; k--) {
      await Promise.all([dc.nextRequest({ threadId: 1 }), dc.waitForEvent('stopped')]);
      assert.equal(await view(), seen[k], `forward again to ${k}`);
    }
    await Promise.all([dc.nextRequest({ threadId: 1 }), dc.waitForEvent('stopped')]);
    assert.equal(await view(), atDone);
    await Promise.all([dc.reverseContinueRequest({ threadId: 1 }), dc.waitForEvent('stopped')]);
    assert.doesNotMatch(await view(), /\[heap\]/);
    await Promise.all([dc.continueRequest({ threadId: 1 }), dc.assertStoppedLocation('breakpoint', { path: FIXTURE, line: DONE })]);
    assert.equal(await view(), atDone);
  });
});
