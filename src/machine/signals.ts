// A fatal signal raised inside the machine. Thrown as a JS exception from wherever the fault
// happens (the MMU on a bad access, glibc on a failed integrity check, the OOM killer), and
// caught by the interpreter at the statement boundary, which ends the run.
export type SigName = 'SIGSEGV' | 'SIGABRT' | 'SIGKILL' | 'SIGBUS' | 'SIGFPE';
export const SIGNO: Record<SigName, number> = { SIGSEGV: 11, SIGABRT: 6, SIGKILL: 9, SIGBUS: 7, SIGFPE: 8 };

export class MachineSignal extends Error {
  constructor(
    readonly signame: SigName,
    message: string,
    // SIGSEGV: the faulting address and why ("not mapped" | "protection" | "stack limit" ...)
    readonly addr?: number | bigint,
    readonly reason?: string,
    // SIGABRT from glibc: the name of the malloc.c function whose check fired (e.g. "_int_free")
    readonly check?: string,
  ) { super(message); }
  // SIGABRT from glibc: the allocator entry point the program called (set as it unwinds past it)
  entry?: string;
  get signo(): number { return SIGNO[this.signame]; }
}

// Not a signal: the emulated program asked for something the emulator refuses to do
// (a runaway loop hit its limit, an internal limit). Ends the run with a clear message.
export class MachineError extends Error {}
