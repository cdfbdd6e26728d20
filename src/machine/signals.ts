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

// A 64-bit address the CPU cannot even look up: bits 63..47 are not all equal (x86-64 with
// 4-level paging). The access raises #GP, not a page fault, and Linux's SIGSEGV for it carries
// si_code SI_KERNEL and si_addr 0; a canonical kernel address is an ordinary page fault
// (SEGV_MAPERR at that address) because user mode may not touch it.
export function badAddress(v: number | bigint): MachineSignal {
  const u = BigInt.asUintN(64, typeof v === 'bigint' ? v : BigInt(v));
  const hex = '0x' + u.toString(16);
  if (u >= 0x800000000000n && u < 0xffff800000000000n) {
    return new MachineSignal('SIGSEGV', `Segmentation fault: general protection fault at the non-canonical address ${hex} (si_code SI_KERNEL, si_addr 0)`,
      0, `general protection fault: ${hex} is not canonical`);
  }
  return new MachineSignal('SIGSEGV', `Segmentation fault at ${hex}: address not mapped to object`, u > BigInt(Number.MAX_SAFE_INTEGER) ? u : Number(u), 'address not mapped to object');
}
