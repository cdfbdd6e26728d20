// A DAP client for benchmarks: drives a HeapStepSession in this process through a real message
// stream (Content-Length framing, JSON, the session's own dispatch), as an editor would over
// stdio, without a child process between the timer and the adapter.
import { PassThrough } from 'node:stream';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { HeapStepSession } from '../src/debug/session';

type Message = DebugProtocol.Response | DebugProtocol.Event;

export class InProcessClient {
  readonly session: HeapStepSession;
  private readonly toAdapter = new PassThrough();
  private readonly fromAdapter = new PassThrough();
  private seq = 1;
  private buffer = Buffer.alloc(0);
  private readonly pending = new Map<number, (r: DebugProtocol.Response) => void>();
  private readonly waiters: { event: string; resolve: (e: DebugProtocol.Event) => void }[] = [];

  constructor(files: Record<string, string>) {
    this.session = new HeapStepSession({ readFile: async (p) => { if (!(p in files)) throw Object.assign(new Error(`no ${p}`), { code: 'ENOENT' }); return files[p]; } });
    this.session.setRunAsServer(true);   // closing one session must not end the process (shutdown's exit)
    this.session.start(this.toAdapter, this.fromAdapter);
    this.fromAdapter.on('data', (d: Buffer) => this.receive(d));
  }

  private receive(d: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, d]);
    for (;;) {
      const sep = this.buffer.indexOf('\r\n\r\n');
      if (sep < 0) return;
      const len = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, sep).toString('ascii'))?.[1]);
      if (this.buffer.length < sep + 4 + len) return;
      const msg = JSON.parse(this.buffer.subarray(sep + 4, sep + 4 + len).toString('utf8')) as Message;
      this.buffer = this.buffer.subarray(sep + 4 + len);
      if (msg.type === 'response') {
        const r = msg as DebugProtocol.Response;
        this.pending.get(r.request_seq)?.(r);
        this.pending.delete(r.request_seq);
      } else {
        const e = msg as DebugProtocol.Event;
        const i = this.waiters.findIndex((w) => w.event === e.event);
        if (i >= 0) this.waiters.splice(i, 1)[0].resolve(e);
      }
    }
  }

  request<R extends DebugProtocol.Response>(command: string, args?: unknown): Promise<R> {
    const seq = this.seq++;
    const json = JSON.stringify({ seq, type: 'request', command, arguments: args });
    return new Promise<R>((resolve, reject) => {
      this.pending.set(seq, (r) => (r.success ? resolve(r as R) : reject(new Error(`${command}: ${r.message}`))));
      this.toAdapter.write(`Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`);
    });
  }

  // The next `event` (register before sending the request that causes it).
  next<E extends DebugProtocol.Event>(event: string): Promise<E> {
    return new Promise((resolve) => this.waiters.push({ event, resolve: resolve as (e: DebugProtocol.Event) => void }));
  }

  async launch(program: string, breakpoints: number[], extra: Record<string, unknown> = {}): Promise<void> {
    await this.request('initialize', { adapterID: 'heapstep', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
    const initialized = this.next('initialized');
    const stopped = this.next('stopped');
    const launched = this.request('launch', { program, stopOnEntry: true, ...extra });
    await initialized;
    await this.request('setBreakpoints', { source: { path: program }, breakpoints: breakpoints.map((line) => ({ line })) });
    await this.request('configurationDone');
    await launched;
    await stopped;
  }

  close(): void {
    this.session.runtime.terminate();
    this.toAdapter.end();
    this.session.dispose();
  }
}
