// exceptionInfo: which glibc check fired and where, and a fault's address and reason.
import { strict as assert } from 'node:assert';
import { resolve } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { BARE_INIT, marker, startClient } from './client';

const fixture = (n: string): string => resolve(`test/fixtures/dap/${n}.heap`);


describe('exceptionInfo', function () {
  this.timeout(20000);
  let dc: DebugClient;
  beforeEach(async () => { dc = await startClient(BARE_INIT); });
  afterEach(() => dc.stop());

  async function runToException(program: string): Promise<DebugProtocol.ExceptionInfoResponse['body']> {
    const [, , stopped] = await Promise.all([
      dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest()),
      dc.launch({ program }),
      dc.waitForEvent('stopped'),
    ]);
    assert.equal(stopped.body.reason, 'exception');
    return (await dc.exceptionInfoRequest({ threadId: 1 })).body;
  }

  it('a tcache double free: the message, SIGABRT, and _int_free ← free ← main', async () => {
    const file = fixture('double-free');
    const info = await runToException(file);
    assert.equal(info.exceptionId, 'SIGABRT');
    assert.equal(info.description, 'free(): double free detected in tcache 2');
    assert.equal(info.details?.typeName, 'SIGABRT');
    assert.match(info.details?.message ?? '', /free\(\): double free detected in tcache 2/);
    assert.equal(info.details?.stackTrace, `_int_free ← free ← main (line ${marker(file, '#DOUBLE_FREE')})`);
  });

  it('a corrupted top size: the check in _int_malloc, called from malloc', async () => {
    const file = fixture('corrupt-top');
    const info = await runToException(file);
    assert.equal(info.description, 'malloc(): corrupted top size');
    assert.equal(info.details?.stackTrace, `_int_malloc ← malloc ← main (line ${marker(file, '#CORRUPT_TOP')})`);
  });

  it('a SIGSEGV: the faulting address and the reason', async () => {
    const file = fixture('segv');
    const info = await runToException(file);
    assert.equal(info.exceptionId, 'SIGSEGV');
    assert.match(info.description ?? '', /at 0x1000 \(address not mapped to object\)/);
    assert.equal(info.details?.typeName, 'SIGSEGV');
    assert.equal(info.details?.stackTrace, `main (line ${marker(file, '#SEGV')})`);
  });
});
