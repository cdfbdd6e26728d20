// The Debug Console's commands, named as in pwndbg and gdb. Each reads the machine through the
// inspector or the allocator's views; none changes it (try_free works on a copy).
import type { Scenario } from '../../machine/scenario';
import { chunkText } from './chunk';
import type { ConsoleContext, SizeLetter } from './context';
import { examine, parseSpec } from './examine';
import { asAddress, evaluateText } from './expr';
import { present, type EvalBody } from './present';
import { tryFreeText } from './try-free';

export interface CommandCall {
  con: ConsoleContext;
  sc: Scenario;
  slash: string;            // the letters after `name/` (x/4gx, p/x)
  rest: string;             // the text after the name
  frameId: number | undefined;
  refuseWrites: string | null;   // as for expressions: null in the console, a reason in a watch
}

export interface ConsoleCommand {
  names: string[];
  usage: string;
  summary: string;
  run(c: CommandCall): string | EvalBody;
}

// An address operand: any expression, evaluated without side effects in the selected frame.
function addressOf(c: CommandCall, what: string): number {
  if (!c.rest.trim()) throw new Error(`usage: ${what}`);
  return asAddress(evaluateText(c.sc, c.frameId, c.rest, { refuseWrites: 'console commands only read' }));
}

const noSlash = (c: CommandCall, name: string): void => { if (c.slash) throw new Error(`${name} takes no /letters`); };

export const COMMANDS: ConsoleCommand[] = [
  { names: ['heap'], usage: 'heap', summary: "every chunk of the main heap, like pwndbg's heap", run: (c) => { noSlash(c, 'heap'); return c.sc.glibc.heapText(); } },
  { names: ['bins'], usage: 'bins', summary: "tcache, fast, unsorted, small and large bins, like pwndbg's bins", run: (c) => c.sc.glibc.binsText() },
  {
    names: ['vis', 'vis_heap_chunks'], usage: 'vis [COUNT]', summary: "the chunks' bytes with bin labels, like pwndbg's vis_heap_chunks",
    run: (c) => {
      const n = c.rest.trim() ? asAddress(evaluateText(c.sc, c.frameId, c.rest, { refuseWrites: 'console commands only read' })) : undefined;
      return c.sc.glibc.visText(n);
    },
  },
  { names: ['vmmap', 'maps'], usage: 'vmmap', summary: 'the mappings, as /proc/self/maps', run: (c) => c.sc.proc.maps() },
  { names: ['why'], usage: 'why', summary: 'the path the last allocator call took, in words', run: (c) => c.sc.glibc.why.join('\n') || '(no allocator call yet)' },
  { names: ['pagewalk'], usage: 'pagewalk EXPR', summary: 'the page-table walk of an address, every level', run: (c) => c.sc.proc.pagewalkText(addressOf(c, 'pagewalk EXPR (an address, e.g. p or 0x555555559000)')) },
  {
    names: ['chunk', 'malloc_chunk'], usage: 'chunk EXPR', summary: "one chunk's fields, flag bits, decoded links and bin (pwndbg's malloc_chunk)",
    run: (c) => { noSlash(c, 'chunk'); return chunkText(c.sc, addressOf(c, 'chunk EXPR (a chunk, or a pointer malloc returned)')); },
  },
  {
    names: ['x'], usage: 'x/NFU [EXPR]', summary: "gdb's examine: N units, format x z d u o t c a s, size b h w g",
    run: (c) => {
      const pointer: SizeLetter = c.sc.program.arch === 'i386' ? 'w' : 'g';
      const spec = parseSpec(c.slash, c.con.examine, pointer);
      let start: number;
      if (c.rest.trim()) start = addressOf(c, 'x/NFU EXPR');
      else if (c.con.examine.next !== null) start = c.con.examine.next;
      else throw new Error('x: an address is needed the first time (e.g. x/4gx p)');
      return examine(c.sc, start, spec, c.con.examine);
    },
  },
  {
    names: ['try_free'], usage: 'try_free EXPR', summary: 'what free(EXPR) would do now: an abort with glibc\'s message, or the bin the chunk would go to',
    run: (c) => { noSlash(c, 'try_free'); return tryFreeText(c.sc, addressOf(c, 'try_free EXPR (a pointer malloc returned)')); },
  },
  {
    names: ['print', 'p'], usage: 'print[/F] EXPR', summary: "an expression's value (F: x z o t d u c a); an assignment writes it, as in gdb",
    run: (c) => {
      const ev = evaluateText(c.sc, c.frameId, c.rest, { refuseWrites: c.refuseWrites });
      if (ev.assigned) c.con.announceWrites(ev.writes);
      return present(c.sc, c.con.store, ev, c.slash || undefined);
    },
  },
  { names: ['help'], usage: 'help [COMMAND]', summary: 'this list, or one command', run: (c) => helpText(c.rest.trim()) },
];

export function findCommand(name: string): ConsoleCommand | undefined {
  return COMMANDS.find((k) => k.names.includes(name));
}

export function helpText(name: string): string {
  if (name) {
    const k = findCommand(name);
    if (!k) throw new Error(`no command '${name}' (try help)`);
    return `${k.usage}\n  ${k.summary}${k.names.length > 1 ? `\n  also: ${k.names.slice(1).join(', ')}` : ''}`;
  }
  const w = Math.max(...COMMANDS.map((k) => k.usage.length));
  return [
    'Commands (pwndbg and gdb names):',
    ...COMMANDS.map((k) => `  ${k.usage.padEnd(w)}  ${k.summary}`),
    '',
    'Anything else is an expression of the scenario language, evaluated in the selected frame',
    '(p->next, *(long *)(p - 16), a[3] + 1, sizeof(struct node)). In the console an assignment',
    '(p->size = 0x41) writes the emulated memory, only into pages already resident and writable;',
    'hovers and watches never change anything. Calls are not evaluated: use try_free EXPR.',
  ].join('\n');
}
