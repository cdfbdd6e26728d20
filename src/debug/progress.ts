// Progress reporting while the program runs for a while (a continue that has not stopped
// after half a second): progressStart, an update with the statements run every half second,
// progressEnd at the stop or the exit. Cancelling the progress pauses the run. Only for
// clients that said supportsProgressReporting.
import { ProgressEndEvent, ProgressStartEvent, ProgressUpdateEvent } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';

export const PROGRESS_DELAY_MS = 500;
const UPDATE_MS = 500;

export class RunProgress {
  enabled = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private shown: string | null = null;
  private serial = 0;
  private startSteps = 0;

  constructor(private readonly send: (e: DebugProtocol.Event) => void, private readonly steps: () => number) {}

  // A run begins; nothing is shown unless it is still running after the delay.
  start(title: string): void {
    this.end();
    if (!this.enabled) return;
    this.startSteps = this.steps();
    this.timer = setTimeout(() => {
      this.shown = `run-${++this.serial}`;
      const e = new ProgressStartEvent(this.shown, title, this.message()) as DebugProtocol.ProgressStartEvent;
      e.body.cancellable = true;
      this.send(e);
      this.timer = setInterval(() => { if (this.shown) this.send(new ProgressUpdateEvent(this.shown, this.message())); }, UPDATE_MS);
    }, PROGRESS_DELAY_MS);
  }

  // The run stopped or the program ended.
  end(): void {
    if (this.timer) { clearTimeout(this.timer); clearInterval(this.timer); this.timer = null; }
    if (this.shown) { this.send(new ProgressEndEvent(this.shown, this.message())); this.shown = null; }
  }

  // Whether a cancel request names the progress being shown.
  cancels(progressId: string | undefined): boolean {
    return progressId !== undefined && progressId === this.shown;
  }

  private message(): string {
    return `${(this.steps() - this.startSteps).toLocaleString('en-US')} statements run`;
  }
}
