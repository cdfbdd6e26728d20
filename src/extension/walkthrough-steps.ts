// What each walkthrough step's button does, as data: the example it opens, the statements it
// stops before (found by a text marker in the example, so edits to the example move them with
// it) and the view that answers the step's question. package.json's `contributes.walkthroughs`
// names these ids in its command links; test/unit/walkthrough.test.ts holds the two together.
// No `vscode` here, so the unit test reads the table as it is.

// A HeapStep panel view (package.json `contributes.views`), or one of VS Code's debug views.
export type WalkthroughView =
  | 'heapstep.heapMap' | 'heapstep.bins' | 'heapstep.addressSpace' | 'heapstep.pageWalk' | 'heapstep.timeline'
  | 'variables' | 'debugConsole';

export interface WalkthroughStep {
  example: string;          // under examples/
  stops: string[];          // a breakpoint before the first line holding each marker; the first is hit first
  view: WalkthroughView;
  scope?: string;           // for 'variables': the scope the step's media points at
}

export const WALKTHROUGH_STEPS: Record<string, WalkthroughStep> = {
  // How malloc gets memory
  isMallocASyscall: { example: 'malloc-is-not-a-syscall.heap', stops: ['assert(brk_now() - before == 0x21000)'], view: 'variables', scope: 'Process' },
  isItPhysicalMemory: { example: 'lazy-allocation.heap', stops: ['big[0] = 1;', 'pagewalk(big'], view: 'heapstep.addressSpace' },
  howBigIsMalloc1: { example: 'default.heap', stops: ['assert(brk_now() - heap_start == 0x21000)'], view: 'heapstep.heapMap' },
  doesFreeGiveMemoryBack: { example: 'free-returns-memory.heap', stops: ['free(big);', 'printf("freed 63 KiB', 'printf("malloc_trim'], view: 'heapstep.timeline' },
  howDoesFreeKnowTheSize: { example: 'header-p-minus-16.heap', stops: ['read(a - 16, 32);'], view: 'variables', scope: 'Chunks' },
  whyNotAlwaysBrk: { example: 'fragmentation-10k-20k-30k.heap', stops: ['bins();'], view: 'heapstep.heapMap' },
  whyNotAlwaysMmap: { example: 'mmap-threshold-mallopt.heap', stops: ['char *again = malloc(200 * 1024);'], view: 'variables', scope: 'Heap' },
  processLayout: { example: 'process-layout.heap', stops: ['maps();'], view: 'heapstep.addressSpace' },
  paging: { example: 'page-walk.heap', stops: ["untouched[0] = 'x';"], view: 'heapstep.pageWalk' },
  tlb: { example: 'tlb.heap', stops: ['pagewalk(m);'], view: 'variables', scope: 'Machine' },
  eightGibOnFour: { example: 'eight-gib-on-four.heap', stops: ['printf("malloc(3 GiB)'], view: 'variables', scope: 'Machine' },
  userKernelMode: { example: 'user-kernel-mode.heap', stops: ['for (int i = 0; i < 1000; i++) free(blocks[i]);'], view: 'variables', scope: 'Process' },
  reclaimSwapOom: { example: 'anon-swap-survives.heap', stops: ['long major0 = majflt();'], view: 'variables', scope: 'Process' },

  // Heap exploitation on glibc 2.36
  tcachePoisoning: { example: 'how2heap/tcache_poisoning.heap', stops: ['unsigned long *c = malloc(128);'], view: 'heapstep.bins' },
  fastbinDup: { example: 'how2heap/fastbin_dup.heap', stops: ['// drain tcache'], view: 'heapstep.bins' },
  houseOfBotcake: { example: 'how2heap/house_of_botcake.heap', stops: ['unsigned long *big = malloc(0x120);'], view: 'heapstep.bins' },
  decryptSafeLinking: { example: 'how2heap/decrypt_safe_linking.heap', stops: ['unsigned long leaked = b[0];'], view: 'heapstep.bins' },
  largeBinAttack: { example: 'how2heap/large_bin_attack.heap', stops: ['// p2 sorted'], view: 'variables', scope: 'Chunks' },
};

// 0-based lines of the stops in the example's text, in the table's order; -1 for a marker
// the text does not hold.
export function stopLines(text: string, step: WalkthroughStep): number[] {
  const lines = text.split('\n');
  return step.stops.map((m) => lines.findIndex((l) => l.includes(m)));
}

// The command that shows a step's view.
export function revealCommand(view: WalkthroughView): string {
  // VS Code's debug views name their own focus commands instead of `<view id>.focus`
  if (view === 'variables') return 'workbench.debug.action.focusVariablesView';
  if (view === 'debugConsole') return 'workbench.debug.action.focusRepl';
  return `${view}.focus`;
}
