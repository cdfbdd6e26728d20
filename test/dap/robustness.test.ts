// Every request is answered, whatever it asks and whenever it comes: bad launch arguments, a
// file that does not compile, a program that never ends, nonsense references, requests before
// launch and after the end, garbage to evaluate. An answer is a response (an error with a clear
// message where nothing sensible can be done), never a crash and never silence.
import { strict as assert } from 'node:assert';
import { resolve } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { BARE_INIT, startClient } from './client';
import type { DebugProtocol } from '@vscode/debugprotocol';

const SIMPLE = resolve('test/fixtures/dap/simple.heap');
const ERRORS = resolve('test/fixtures/dap/errors.heap');
const FOREVER = resolve('test/fixtures/dap/forever.heap');

interface Answer { success: boolean; message: string; body: unknown }

describe('robustness: every request answers', function () {
  this.timeout(20000);
  let dc: DebugClient;
  beforeEach(async () => { dc = await startClient(BARE_INIT); });
  afterEach(() => dc.stop());

  // The response to a request, success or failure, within `ms` (silence fails the test).
  async function answer(command: string, args?: unknown, ms = 3000): Promise<Answer> {
    let timer: NodeJS.Timeout | undefined;
    const silence = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer to '${command}' within ${ms} ms`)), ms); });
    try {
      const r = await Promise.race([dc.send(command, args), silence]) as DebugProtocol.Response;
      return { success: true, message: '', body: r.body };
    } catch (e) {
      if ((e as Error).message.startsWith('no answer')) throw e;
      return { success: false, message: (e as Error).message, body: undefined };
    } finally { clearTimeout(timer); }
  }
  // An error message a person can act on: a sentence, not a stack trace.
  function clear(message: string, pattern: RegExp): void {
    assert.match(message, pattern);
    assert.doesNotMatch(message, /\n\s+at |TypeError|Cannot read properties/);
  }

  describe('launch', () => {
    it('without a program: an error naming the missing attribute, and the session ends', async () => {
      const terminated = dc.waitForEvent('terminated', 3000);
      const r = await answer('launch', {});
      assert.equal(r.success, false);
      clear(r.message, /"program"/);
      await terminated;
    });

    it('of a file that does not exist: an error naming it', async () => {
      const r = await answer('launch', { program: resolve('test/fixtures/dap/no-such-file.heap') });
      assert.equal(r.success, false);
      clear(r.message, /no-such-file\.heap/);
      assert.match(r.message, /cannot read|no such file/i);
    });

    for (const [attr, value, pattern] of [
      ['ram', 'lots', /"ram/], ['ram', -5, /"ram/], ['overcommit', 7, /"overcommit/], ['overcommit', 'yes', /"overcommit/],
      ['arch', 'arm64', /"arch/], ['seed', 1.5, /"seed/], ['swap', '1 banana', /"swap/], ['stdioBuffers', 42, /"stdioBuffers/],
    ] as const) {
      it(`with ${attr}: ${JSON.stringify(value)}: an error naming the attribute`, async () => {
        const r = await answer('launch', { program: SIMPLE, [attr]: value });
        assert.equal(r.success, false);
        clear(r.message, pattern);
      });
    }

    it('of a file with syntax errors: each as file:line:col: message in the output, nothing runs, the session ends', async () => {
      const output: DebugProtocol.OutputEvent[] = [];
      dc.on('output', (e) => output.push(e as DebugProtocol.OutputEvent));
      const terminated = dc.waitForEvent('terminated', 3000);
      const r = await answer('launch', { program: ERRORS });
      assert.equal(r.success, false);
      clear(r.message, /2 errors/);
      await terminated;
      const text = output.map((e) => e.body.output).join('');
      assert.match(text, /errors\.heap:2:13: expected expression/);
      assert.match(text, /errors\.heap:4:5: expected ';'/);
      assert.ok(!output.some((e) => e.body.category === 'stdout'), 'the program did not run');
    });
  });

  describe('a program that never ends', () => {
    it('pauses promptly (a hang guard, not a speed test: within 5 s even on a loaded machine), then steps, then terminates', async () => {
      await Promise.all([
        dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest()),
        dc.launch({ program: FOREVER }),
      ]);
      await new Promise((r) => setTimeout(r, 300));
      const t0 = Date.now();
      const [, stopped] = await Promise.all([dc.pauseRequest({ threadId: 1 }), dc.waitForEvent('stopped', 5000)]);
      assert.equal(stopped.body.reason, 'pause');
      assert.ok(Date.now() - t0 < 5000, `paused after ${Date.now() - t0} ms`);
      const st = await dc.stackTraceRequest({ threadId: 1 });
      assert.equal(st.body.stackFrames[0].name, 'main');
      await Promise.all([dc.nextRequest({ threadId: 1 }), dc.waitForEvent('stopped')]);
      // run again, then end it while it runs
      await dc.continueRequest({ threadId: 1 });
      await new Promise((r) => setTimeout(r, 200));
      const terminated = dc.waitForEvent('terminated', 1000);
      await dc.terminateRequest({});
      await terminated;
      // and it stays ended: no stop arrives later, requests still answer
      let late = false;
      dc.on('stopped', () => { late = true; });
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(late, false, 'no stopped event after terminate');
      assert.equal((await answer('threads')).success, true);
      const c = await answer('continue', { threadId: 1 });
      assert.equal(c.success, false);
      clear(c.message, /ended|terminated|not running/);
    });
  });

  describe('nonsense while stopped', () => {
    beforeEach(async () => {
      await Promise.all([
        dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest()),
        dc.launch({ program: SIMPLE, stopOnEntry: true }),
        dc.waitForEvent('stopped'),
      ]);
    });

    it('variables with a huge count, a huge start, a negative start or a bogus reference', async () => {
      const st = await dc.stackTraceRequest({ threadId: 1 });
      const sc = await dc.scopesRequest({ frameId: st.body.stackFrames[0].id });
      for (const s of sc.body.scopes) {
        for (const args of [{ count: 2 ** 31 - 1 }, { start: 2 ** 40, count: 10 }, { start: -5, count: 3 }, { filter: 'indexed' as const, count: 1e9 }]) {
          const r = await answer('variables', { variablesReference: s.variablesReference, ...args });
          assert.ok(r.success || r.message.length > 0, `${s.name} ${JSON.stringify(args)}`);
        }
      }
      for (const ref of [0, -1, 999999, 2 ** 31 - 1, 1.5]) {
        const r = await answer('variables', { variablesReference: ref });
        if (r.success) assert.deepEqual((r.body as DebugProtocol.VariablesResponse['body']).variables, [], `ref ${ref}`);
        else clear(r.message, /./);
      }
      assert.equal((await answer('variables')).success || true, true);
    });

    it('a request without its arguments, or with one of the wrong type, is told what is wrong', async () => {
      for (const command of ['scopes', 'variables', 'stackTrace', 'evaluate', 'setBreakpoints', 'setFunctionBreakpoints', 'source', 'readMemory', 'next', 'setVariable']) {
        const r = await answer(command);
        assert.equal(r.success, false, command);
        clear(r.message, new RegExp(`^${command}: the request needs its arguments`));
      }
      clear((await answer('evaluate', { expression: 42 })).message, /"expression" must be a string/);
      clear((await answer('variables', { variablesReference: 'one' })).message, /"variablesReference" must be a number/);
      clear((await answer('setFunctionBreakpoints', { breakpoints: [{ name: 'malloc' }, {}] })).message, /breakpoints\[1\] needs a "name"/);
      clear((await answer('readMemory', { memoryReference: '0x1000' })).message, /"count" is missing/);
      assert.equal((await answer('cancel')).success, true);
      assert.equal((await answer('threads')).success, true);
    });

    it('scopes, stackTrace and source with bogus ids', async () => {
      for (const frameId of [-1, 12345, 2 ** 30]) await answer('scopes', { frameId });
      await answer('scopes');
      await answer('stackTrace', { threadId: 99, startFrame: 1000, levels: 5 });
      await answer('stackTrace', { threadId: 1, startFrame: -3, levels: -1 });
      const s = await answer('source', { sourceReference: 424242 });
      assert.equal(s.success, false);
      clear(s.message, /source/);
      await answer('source', {});
      await answer('readMemory', { memoryReference: 'not a pointer', count: 8 });
      await answer('readMemory', { memoryReference: '0x1000', count: 2 ** 40 });
      await answer('setExceptionBreakpoints', { filters: 5 });
      await answer('setExceptionBreakpoints');
      await answer('setBreakpoints', { source: {}, breakpoints: [{ line: -4 }, { line: 1e9 }] });
      await answer('setFunctionBreakpoints', { breakpoints: [{ name: '' }, {}] });
      await answer('exceptionInfo', { threadId: 1 });
      await answer('completions', { text: '((((', column: 99 });
      await answer('no-such-request', { x: 1 });
    });

    it('evaluate with garbage: an error with a message each time, and the session goes on', async () => {
      const garbage = ['', '   ', '((((', ')', 'p->->x', '1 +', '\u0000\u0001', 'x'.repeat(100000), '"unterminated', '/*', 'malloc(', '0x', '999999999999999999999999999'];
      for (const expression of garbage) {
        for (const context of ['repl', 'watch', 'hover']) {
          const r = await answer('evaluate', { expression, context });
          if (!r.success) clear(r.message.slice(0, 300), /./);
        }
      }
      for (const args of [undefined, {}, { expression: 42 }, { expression: null }, { expression: 'p', frameId: 777 }]) await answer('evaluate', args);
      const ok = await answer('evaluate', { expression: 'vmmap', context: 'repl' });
      assert.equal(ok.success, true);
    });
  });

  describe('before launch and after the end', () => {
    const queries: [string, unknown][] = [
      ['threads', undefined], ['stackTrace', { threadId: 1 }], ['scopes', { frameId: 0 }], ['variables', { variablesReference: 1 }],
      ['evaluate', { expression: 'heap', context: 'repl' }], ['readMemory', { memoryReference: '0x555555559000', count: 16 }],
      ['exceptionInfo', { threadId: 1 }], ['source', { sourceReference: 1 }], ['setBreakpoints', { source: { path: SIMPLE }, breakpoints: [{ line: 7 }] }],
      ['setFunctionBreakpoints', { breakpoints: [{ name: 'malloc' }] }], ['pause', { threadId: 1 }],
    ];
    const controls = ['continue', 'next', 'stepIn', 'stepOut', 'stepBack', 'reverseContinue'];

    it('before launch: queries answer, running and stepping say there is no program', async () => {
      for (const [command, args] of queries) await answer(command, args);
      for (const command of controls) {
        const r = await answer(command, { threadId: 1 });
        assert.equal(r.success, false, command);
        clear(r.message, /no program|launch/);
      }
    });

    it('after the program has exited: queries answer, running and stepping say it has ended', async () => {
      await Promise.all([
        dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest()),
        dc.launch({ program: SIMPLE }),
        dc.waitForEvent('terminated'),
      ]);
      for (const [command, args] of queries) await answer(command, args);
      for (const command of controls) {
        const r = await answer(command, { threadId: 1 });
        assert.equal(r.success, false, command);
        clear(r.message, /ended/);
      }
      assert.equal((await answer('disconnect', {})).success, true);
    });
  });
});
