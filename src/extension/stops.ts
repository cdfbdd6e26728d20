// Which HeapStep sessions are stopped, and the state at the current stop, read once per stop
// and shared by inline values, hovers and the webviews. Observed through a tracker on the DAP
// traffic, so the session needs no extra events.
import * as vscode from 'vscode';
import { STATE_REQUEST, type HeapState, type StateRequestArgs } from '../protocol/state';
import { DEBUG_TYPE } from './ids';

const RESUMING = new Set(['continue', 'next', 'stepIn', 'stepOut', 'stepBack', 'reverseContinue', 'goto', 'restart']);
const CHANGING = new Set(['writeMemory', 'setVariable', 'setExpression']);   // stopped still, but the bytes moved

export interface StopChange { session: vscode.DebugSession; kind: 'stopped' | 'invalidated' }

export class Stops {
  private generation = new Map<string, number>();          // session id → stop count; absent while running
  private cache = new Map<string, { gen: number; address?: number; state: Promise<HeapState | null> }>();
  private counter = 0;
  // after a stop, or an `invalidated` while stopped: the state is to be read again. Fired once
  // this stop's count is in place, so a listener's state() call reads this stop, not the last.
  private readonly listeners = new Set<(e: StopChange) => void>();
  onDidChange(fn: (e: StopChange) => void): { dispose(): void } {
    this.listeners.add(fn);
    return { dispose: () => this.listeners.delete(fn) };
  }
  private fire(e: StopChange): void { for (const fn of this.listeners) fn(e); }

  register(context: vscode.ExtensionContext): void {
    context.subscriptions.push(
      vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, {
        createDebugAdapterTracker: (s) => ({
          onWillReceiveMessage: (m: { type?: string; command?: string }) => {
            if (m.type !== 'request' || !m.command) return;
            if (RESUMING.has(m.command)) this.running(s.id);
            else if (CHANGING.has(m.command)) this.invalidate(s.id);
          },
          onDidSendMessage: (m: { type?: string; event?: string }) => {
            if (m.type !== 'event') return;
            if (m.event === 'stopped') { this.generation.set(s.id, ++this.counter); this.fire({ session: s, kind: 'stopped' }); }
            else if (m.event === 'invalidated') { this.invalidate(s.id); this.fire({ session: s, kind: 'invalidated' }); }
            else if (m.event === 'continued' || m.event === 'terminated' || m.event === 'exited') this.running(s.id);
          },
          onExit: () => this.running(s.id),
        }),
      }),
      vscode.debug.onDidTerminateDebugSession((s) => this.running(s.id)),
    );
  }

  private running(id: string): void {
    this.generation.delete(id);
    this.cache.delete(id);
  }
  private invalidate(id: string): void {
    this.cache.delete(id);
    if (this.generation.has(id)) this.generation.set(id, ++this.counter);
  }

  stoppedSession(): vscode.DebugSession | undefined {
    const s = vscode.debug.activeDebugSession;
    return s?.type === DEBUG_TYPE && this.generation.has(s.id) ? s : undefined;
  }

  // The state at this stop (null when it cannot be read). Without an address any state of this
  // stop will do; with one, its page walk must be of that address.
  state(session: vscode.DebugSession, args: StateRequestArgs = {}): Promise<HeapState | null> {
    const gen = this.generation.get(session.id) ?? -1;
    const hit = this.cache.get(session.id);
    if (hit && hit.gen === gen && (args.address === undefined || hit.address === args.address)) return hit.state;
    const state = Promise.resolve(session.customRequest(STATE_REQUEST, args)).then((s) => s as HeapState, () => null);
    this.cache.set(session.id, { gen, address: args.address, state });
    return state;
  }
}

// The value of an expression in a frame, or null when the debugger cannot evaluate it there.
export async function evaluateIn(session: vscode.DebugSession, expression: string, frameId: number | undefined, context: 'hover' | 'watch'): Promise<string | null> {
  try {
    const r = await session.customRequest('evaluate', { expression, frameId, context }) as { result?: string };
    return typeof r?.result === 'string' ? r.result : null;
  } catch {
    return null;
  }
}
