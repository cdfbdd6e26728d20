// What the console's features share across requests: the runtime and the variable store,
// what the client said it supports, gdb's remembered `x` format, and how to tell the client
// that a debugger write changed something.
import { InvalidatedEvent, MemoryEvent } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Scenario } from '../../machine/scenario';
import type { HeapStepRuntime } from '../runtime';
import type { VariableStore } from '../variables';
import type { WrittenRange } from './debug-memory';

export type SizeLetter = 'b' | 'h' | 'w' | 'g';

// gdb's last_format, last_size and next_address: `x` with no letters reuses the first two,
// `x` with no address continues at the third.
export interface ExamineMemo { format: string; size: SizeLetter; next: number | null }

export class ConsoleContext {
  client: DebugProtocol.InitializeRequestArguments = { adapterID: 'heapstep' };
  examine: ExamineMemo = { format: 'x', size: 'w', next: null };

  constructor(readonly rt: HeapStepRuntime, readonly store: VariableStore, private readonly send: (e: DebugProtocol.Event) => void) {}

  get scenario(): Scenario {
    const sc = this.rt.scenario;
    if (!sc) throw new Error('no program is running');
    return sc;
  }

  // After a debugger write: the variables shown are stale, and so is any memory view of the
  // bytes written (each event only when the client said it understands it).
  announceWrites(writes: WrittenRange[]): void {
    if (this.client.supportsInvalidatedEvent) this.send(new InvalidatedEvent(['variables']));
    if (!this.client.supportsMemoryEvent) return;
    for (const w of writes) this.send(new MemoryEvent('0x' + w.addr.toString(16), 0, w.count));
  }
}
