// The emulator side: the trace as a .heap scenario through the shipped CLI
// (`node dist/cli.js run FILE --jsonl`), its call events in order. Without narration
// (`--no-why`) the allocator takes its fast entry path (glibc/fastpath.ts), with it the
// general one: the runner sends half of the traces each way.
import { spawn } from 'node:child_process';

export interface EmuResult { calls: Record<string, unknown>[]; signal?: { message: string; step: number }; status: number | null; stderr: string }

export function runEmulator(heapFile: string, narrate = true): Promise<EmuResult> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, ['dist/cli.js', 'run', heapFile, '--jsonl', ...(narrate ? [] : ['--no-why'])], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [], err: Buffer[] = [];
    c.stdout.on('data', (d) => out.push(d));
    c.stderr.on('data', (d) => err.push(d));
    c.on('error', reject);
    c.on('close', (status) => {
      const calls: Record<string, unknown>[] = [];
      let signal: EmuResult['signal'];
      for (const line of Buffer.concat(out).toString('utf8').split('\n')) {
        if (!line) continue;
        const e = JSON.parse(line);
        if (e.event === 'call' && !e.by) calls.push(e);
        else if (e.event === 'signal') signal = { message: e.message, step: calls.length };
      }
      resolve({ calls, signal, status, stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}
