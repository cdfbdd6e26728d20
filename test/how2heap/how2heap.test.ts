// how2heap techniques on glibc 2.36: each scenario in examples/how2heap/ runs on the emulator
// and, compiled by gcc as its C twin (test/how2heap/c/), on the host's real glibc. Both must
// print the same RESULT lines (heap-relative offsets, overlaps, targets hit) and end the same.
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';

const results = (out: string) => out.split('\n').filter((l) => l.startsWith('RESULT '));

describe('how2heap: emulator and real glibc agree', function () {
  this.timeout(120_000);
  before(() => mkdirSync('test/how2heap/build', { recursive: true }));
  for (const c of readdirSync('test/how2heap/c').filter((f) => f.endsWith('.c')).sort()) {
    const name = basename(c, '.c');
    it(name, () => {
      const exe = join('test/how2heap/build', name);
      execFileSync('gcc', ['-O0', '-w', '-x', 'c', '-o', exe, join('test/how2heap/c', c)]);
      const real = spawnSync(exe, [], { encoding: 'utf8', env: { LIBC_FATAL_STDERR_: '1' } });
      const emu = spawnSync(process.execPath, ['dist/cli.js', 'run', join('examples/how2heap', `${name}.heap`), '--quiet'], { encoding: 'utf8' });
      const realStatus = real.status ?? (real.signal === 'SIGABRT' ? 134 : real.signal === 'SIGSEGV' ? 139 : -1);
      assert.ok(results(real.stdout).length > 0, `the C twin printed RESULT lines: ${real.stdout} ${real.stderr}`);
      assert.deepEqual(results(emu.stdout), results(real.stdout), `emulator stderr: ${emu.stderr}`);
      assert.equal(emu.status, realStatus, `emulator: ${emu.stderr}; glibc: ${real.stderr}`);
    });
  }
});
