// The readable trace: each allocator call with its path, each system call and page fault,
// the program's own output, then a summary of the process and the heap.
import type { RunEvent } from '../machine/interp/events';
import { hex } from '../machine/interp/arith';
import type { Scenario } from '../machine/scenario';
import { pageActionText } from '../machine/kernel/pressure';

const kib = (n: number): string => (n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(1)} MiB` : `${(n / 1024).toFixed(0)} KiB`);

export class TextPrinter {
  private faults: { line: number; minor: number; major: number; first: number; last: number; cow: number; file?: string } | null = null;
  // consecutive per-page reclaim events of one kind, printed as one line
  private pages: { line: number; action: 'swapout' | 'drop' | 'writeback'; by: string; n: number; first: string; last: string } | null = null;
  private buf: string[] = [];
  private atLineStart = true;
  constructor(private readonly sc: Scenario, private readonly out: (s: string) => void,
              private readonly err: (s: string) => void, private readonly quiet: boolean) {}

  private say(s: string): void {
    if (this.quiet) return;
    if (!this.atLineStart) { this.buf.push('\n'); this.atLineStart = true; }
    this.buf.push(s + '\n');
    if (this.buf.length > 512) this.flushBuf();
  }
  private flushBuf(): void { if (this.buf.length) { this.out(this.buf.join('')); this.buf.length = 0; } }

  private flushPages(): void {
    const p = this.pages;
    if (!p) return;
    this.pages = null;
    const what = pageActionText(p.action, p.by);
    const range = p.first === p.last ? p.first : `${p.first} .. ${p.last}`;
    this.say(`${pad(p.line)}   ${p.by ? p.by + ': ' : ''}${p.n} page${p.n > 1 ? 's' : ''} ${what} (${range})`);
  }

  private flushFaults(): void {
    this.flushPages();
    const f = this.faults;
    if (!f) return;
    this.faults = null;
    const kinds = [f.minor ? `${f.minor} minor` : '', f.major ? `${f.major} major` : ''].filter(Boolean).join(', ');
    const range = f.first === f.last ? hex(f.first) : `${hex(f.first)} .. ${hex(f.last)}`;
    const note = [f.file ? `file ${f.file}` : '', f.cow ? `${f.cow} copy-on-write` : ''].filter(Boolean).join(', ');
    this.say(`${pad(f.line)}   page fault${f.minor + f.major > 1 ? 's' : ''}: ${kinds} (${range})${note ? ` [${note}]` : ''}`);
  }

  event(e: RunEvent): void {
    if (e.event === 'fault') {
      const line = e.line ?? 0;
      if (this.faults && this.faults.line !== line) this.flushFaults();
      if (this.faults && e.file !== this.faults.file) this.flushFaults();
      if (!this.faults) this.faults = { line, minor: 0, major: 0, first: e.page, last: e.page, cow: 0, file: e.file };
      if (e.cow) this.faults.cow++;
      if (e.kind === 'minor') this.faults.minor++; else this.faults.major++;
      this.faults.last = e.page;
      return;
    }
    if (e.event === 'reclaim' && (e.action === 'swapout' || e.action === 'drop' || e.action === 'writeback')) {
      const where = e.file ? `${e.file}:${e.index}` : hex(e.page ?? 0);
      const line = e.line ?? 0, by = e.by ?? '';
      const p = this.pages;
      if (!p || p.line !== line || p.action !== e.action || p.by !== by) {
        this.flushFaults();
        this.pages = { line, action: e.action, by, n: 0, first: where, last: where };
      }
      this.pages!.n++; this.pages!.last = where;
      return;
    }
    this.flushFaults();
    switch (e.event) {
      case 'call': {
        const args = e.args.map((a) => (typeof a === 'bigint' || (typeof a === 'number' && a > 0xffff) ? hex(a) : String(a))).join(', ');
        const ret = e.ret === null ? '' : ` = ${typeof e.ret === 'number' && e.ret < 4096 && e.fn !== 'malloc_usable_size' ? e.ret : hex(e.ret)}`;
        this.say(`${pad(e.line)} ${e.by ? `(${e.by}) ` : ''}${e.fn}(${args})${ret}`);
        for (const w of e.why) this.say(`${pad(e.line)}   ↳ ${w}`);
        return;
      }
      case 'syscall':
        this.say(`${pad(e.line ?? 0)}   syscall ${e.name}(${e.args.map((a) => (typeof a === 'number' && a > 0xffff ? hex(a) : String(a))).join(', ')}) = ${typeof e.ret === 'number' && e.ret > 0xffff ? hex(e.ret) : e.ret}${e.errno ? ` (errno ${e.errno})` : ''}${e.by && e.by !== 'program' ? `   [by ${e.by}]` : ''}`);
        return;
      case 'reclaim':
        this.say(`${pad(e.line ?? 0)}   ${e.action === 'oom_kill' ? 'OOM killer' : e.action.replace('_', ' ')}${e.page !== undefined ? ' ' + hex(e.page) : ''}${e.detail ? ': ' + e.detail : ''}`);
        return;
      case 'output':
        this.buf.push(e.text);
        if (e.text.length) this.atLineStart = e.text.endsWith('\n');
        return;
      case 'signal':
        this.flushBuf();
        this.err(`${this.sc.program.file}:${e.line}: ${e.signame}: ${e.message}\n`);
        return;
      case 'assert':
        this.flushBuf();
        this.err(`${e.message}\n`);
        return;
      case 'error':
        this.flushBuf();
        this.err(`${this.sc.program.file}:${e.line}: error: ${e.message}\n`);
        return;
      case 'exit':
        if (!this.quiet) this.summary(e.status);
        return;
    }
  }

  private summary(status: number): void {
    const c = this.sc.proc.counters();
    const heapBase = this.sc.proc.layout.heapBase;
    const brk = this.sc.proc.brkNow();
    this.say(`== exit ${status} after ${this.sc.interp.steps} steps ==`);
    this.say(`process: RSS ${kib(c.rss)} (anon ${kib(c.rssAnon)}, file ${kib(c.rssFile)}, shmem ${kib(c.rssShmem)}), VSZ ${kib(c.vsz)}, minflt ${c.minflt}, majflt ${c.majflt}, syscalls ${c.syscalls}`);
    const v = (k: string) => this.sc.proc.vmEvent(k);
    if (v('Cached') || v('pswpout') || v('pgscan_kswapd') || v('pgscan_direct') || v('oom_kill')) {
      this.say(`memory: free ${kib(v('MemFree') * 1024)}, cached ${kib(v('Cached') * 1024)} (dirty ${kib(v('Dirty') * 1024)}), swap used ${kib((v('SwapTotal') - v('SwapFree')) * 1024)}; reclaim: kswapd ${v('pgsteal_kswapd')}/${v('pgscan_kswapd')}, direct ${v('pgsteal_direct')}/${v('pgscan_direct')} pages stolen/scanned, ${v('allocstall')} stalls, ${v('oom_kill')} OOM kills`);
    }
    try {
      const mi = this.sc.glibc.mallinfo2();
      this.say(`heap: brk ${hex(brk)} (heap base + ${hex(brk - heapBase)}), in use ${mi.uordblks} bytes, free ${mi.fordblks} bytes (top ${mi.keepcost}), mmapped ${mi.hblks} chunk${mi.hblks === 1 ? '' : 's'} (${mi.hblkhd} bytes)`);
    } catch { /* an allocator whose state is corrupted still lets the run end */ }
  }

  flush(): void { this.flushFaults(); this.flushBuf(); }
}

const pad = (line: number): string => String(line).padStart(4) + ' |';
