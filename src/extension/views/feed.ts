// One state per stop for all the HeapStep webviews: Stops notices each `stopped`, the state is
// read once (with the page-walk address the user picked; the inline values and hovers share
// it) and handed to every view. Time travel lives here too, since it is driven by stops.
import * as vscode from 'vscode';
import { STATE_REQUEST, TRAVEL_REQUEST, type HeapState, type StateRequestArgs } from '../../protocol/state';
import type { HostMessage } from '../../protocol/messages';
import { DEBUG_TYPE } from '../ids';
import type { Stops } from '../stops';

const MAX_SINGLE_STEPS = 5000;     // a travel by single steps gives up beyond this
const STOP_TIMEOUT_MS = 15000;

export class StateFeed {
  private listeners = new Set<(m: HostMessage) => void>();
  private last: HostMessage = { type: 'noSession' };
  private address: number | undefined;
  private selectedChunk: number | undefined;   // until the next stop
  private session: vscode.DebugSession | undefined;
  private traveling = false;
  private stopWaiters: (() => void)[] = [];
  private fetchSeq = 0;

  constructor(private readonly stops: Stops) {}

  register(context: vscode.ExtensionContext): void {
    context.subscriptions.push(
      this.stops.onDidChange(({ session, kind }) => {
        if (kind === 'stopped') this.onStop(session);
        else if (!this.traveling) void this.refresh(session);
      }),
      vscode.debug.onDidTerminateDebugSession((s) => { if (s.id === this.session?.id) { this.session = undefined; this.publish({ type: 'noSession' }); } }),
      vscode.debug.onDidChangeActiveDebugSession((s) => { if (s?.type === DEBUG_TYPE) { this.session = s; void this.refresh(s); } }),
    );
  }

  subscribe(fn: (m: HostMessage) => void): vscode.Disposable {
    this.listeners.add(fn);
    fn(this.last);
    return new vscode.Disposable(() => this.listeners.delete(fn));
  }

  current(): HostMessage { return this.last; }

  // What a view shown late must be sent: the stop's state, then the chunk a link selected.
  catchUp(): HostMessage[] {
    return this.selectedChunk !== undefined && this.last.type === 'state' ? [this.last, { type: 'select', addr: this.selectedChunk }] : [this.last];
  }

  // A link elsewhere (Explain) names a chunk: the heap map selects it, now or when it is shown.
  selectChunk(addr: number): void {
    this.selectedChunk = addr;
    for (const fn of this.listeners) fn({ type: 'select', addr });
  }

  private publish(m: HostMessage): void {
    this.last = m;
    for (const fn of this.listeners) fn(m);
  }

  private onStop(s: vscode.DebugSession): void {
    this.session = s;
    this.selectedChunk = undefined;
    const waiters = this.stopWaiters;
    this.stopWaiters = [];
    for (const w of waiters) w();
    if (!this.traveling) void this.refresh(s);
  }

  async refresh(s = this.session): Promise<HeapState | undefined> {
    if (!s) { this.publish({ type: 'noSession' }); return undefined; }
    const seq = ++this.fetchSeq;
    const args: StateRequestArgs = this.address !== undefined ? { address: this.address } : {};
    const state = await this.stops.state(s, args);
    if (seq === this.fetchSeq) this.publish(state ? { type: 'state', state } : { type: 'error', message: 'Cannot read the state of this stop' });
    return state ?? undefined;
  }

  async selectAddress(addr: number): Promise<void> {
    this.address = addr;
    await this.refresh();
  }

  private nextStop(): Promise<void> {
    const p = new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('the debugger did not stop')), STOP_TIMEOUT_MS);
      this.stopWaiters.push(() => { clearTimeout(t); resolve(); });
    });
    p.catch(() => {});   // the request it waits behind may fail first; whoever awaits it still sees the rejection
    return p;
  }

  // To the stop at `step`: one `heapstep/travel` request when the adapter has it, otherwise
  // single steps back or forward (each a statement), watching the step count until it matches.
  async travel(step: number): Promise<void> {
    const s = this.session;
    if (!s || this.traveling) return;
    this.traveling = true;
    try {
      try {
        const stopped = this.nextStop();
        await s.customRequest(TRAVEL_REQUEST, { step });
        await stopped;
        return;
      } catch { /* no travel request in this adapter: go step by step */ }
      for (let k = 0; k < MAX_SINGLE_STEPS; k++) {
        const now = await s.customRequest(STATE_REQUEST, { record: false }) as HeapState;
        if (now.step === step) return;
        const stopped = this.nextStop();
        await s.customRequest(now.step > step ? 'stepBack' : 'stepIn', { threadId: 1 });
        await stopped;
      }
      void vscode.window.showWarningMessage(`HeapStep: step ${step} is more than ${MAX_SINGLE_STEPS} single steps away; stopped on the way.`);
    } catch (e) {
      void vscode.window.showWarningMessage(`HeapStep: could not travel to step ${step}: ${(e as Error)?.message ?? e}`);
    } finally {
      this.traveling = false;
      await this.refresh(s);
    }
  }
}
