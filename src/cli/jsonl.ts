// --jsonl: one JSON object per line, ORACLE.md's schema for allocator calls; the kernel's
// events (syscall, fault, reclaim) and the program's output with the step and line that caused them.
import type { RunEvent } from '../machine/interp/events';
import { oracleCallEvent, pointerPeeker } from '../machine/interp/oracle';
import type { Scenario } from '../machine/scenario';

export class JsonlPrinter {
  private readonly lines: string[] = [];
  private readonly peek;
  constructor(private readonly sc: Scenario, private readonly out: (s: string) => void) {
    this.peek = pointerPeeker(sc.proc.inspect, sc.config.arch === 'i386' ? 4 : 8);
  }
  event(e: RunEvent): void {
    const obj = e.event === 'call' ? oracleCallEvent(e, this.sc.glibc, this.peek) : e;
    this.lines.push(JSON.stringify(obj, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
    if (this.lines.length >= 256) this.flush();
  }
  flush(): void {
    if (this.lines.length) { this.out(this.lines.join('\n') + '\n'); this.lines.length = 0; }
  }
}
