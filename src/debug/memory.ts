// readMemory / writeMemory: VS Code's memory view over emulated memory. Reads go through the
// inspector (no fault, no TLB fill, no RSS change; a page never touched is unreadable, as in
// gdb); writes go through the MMU like a store of the program would, so they can corrupt a
// chunk header and glibc's checks will notice.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { MachineSignal } from '../machine/signals';
import type { HeapStepRuntime } from './runtime';

const MAX_READ = 1 << 20;

function address(ref: string, offset = 0): number {
  const base = Number(ref);
  if (!Number.isSafeInteger(base) || base < 0) throw new Error(`bad memory reference '${ref}'`);
  return base + offset;
}

export function readMemory(rt: HeapStepRuntime, args: DebugProtocol.ReadMemoryArguments): DebugProtocol.ReadMemoryResponse['body'] {
  const sc = rt.scenario;
  if (!sc) throw new Error('no program is running');
  const start = address(args.memoryReference, args.offset ?? 0);
  const count = Math.min(Math.max(0, args.count), MAX_READ);
  // read the longest prefix that is resident, page by page
  const parts: Uint8Array[] = [];
  let done = 0;
  while (done < count) {
    const a = start + done;
    const n = Math.min(count - done, 4096 - (a % 4096));
    const b = sc.proc.inspect.peekBytes(a, n);
    if (!b) break;
    parts.push(b);
    done += n;
  }
  const bytes = new Uint8Array(done);
  let o = 0;
  for (const p of parts) { bytes.set(p, o); o += p.length; }
  return { address: '0x' + start.toString(16), data: Buffer.from(bytes).toString('base64'), unreadableBytes: count - done };
}

export function writeMemory(rt: HeapStepRuntime, args: DebugProtocol.WriteMemoryArguments): DebugProtocol.WriteMemoryResponse['body'] {
  const sc = rt.scenario;
  if (!sc) throw new Error('no program is running');
  const start = address(args.memoryReference, args.offset ?? 0);
  const data = new Uint8Array(Buffer.from(args.data, 'base64'));
  try {
    sc.proc.mem.writeBytes(start, data);
  } catch (e) {
    if (e instanceof MachineSignal) throw new Error(`cannot write at 0x${start.toString(16)}: ${e.reason ?? e.message}`);
    throw e;
  }
  return { bytesWritten: data.length };
}
