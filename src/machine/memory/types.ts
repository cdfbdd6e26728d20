// The virtual-memory interface that everything above the MMU uses: the interpreter for
// program loads and stores, glibc for its metadata. Every access goes through the page
// tables (in emulated frames) and the TLB, may fault (minor/major), and sets the PTE's
// accessed/dirty bits. A bad access throws MachineSignal('SIGSEGV', ...).
//
// 64-bit values: `U64` is a JS number when it is a safe integer, a bigint otherwise.
// read64 returns the unsigned value (0 .. 2^64-1).
export type U64 = number | bigint;

export interface VirtualMemory {
  read8(va: number): number;
  read16(va: number): number;
  read32(va: number): number;          // unsigned
  read64(va: number): U64;             // unsigned
  write8(va: number, v: number): void;
  write16(va: number, v: number): void;
  write32(va: number, v: number): void;
  write64(va: number, v: U64): void;   // v taken modulo 2^64 (negative numbers allowed)
  readBytes(va: number, n: number): Uint8Array;
  writeBytes(va: number, data: Uint8Array): void;
  fill(va: number, byte: number, n: number): void;
}

// Side-effect-free access for the debugger and the introspection built-ins: no faults, no
// TLB fill, no accessed/dirty bits, no RSS change. Unmapped or non-resident bytes read as
// null (peek) / the page as zeroes where the kernel would zero-fill (see each method).
export interface MemoryInspector {
  peekBytes(va: number, n: number): Uint8Array | null;   // null if any byte is not resident
  isResident(va: number): boolean;
  // A debugger's store: only into resident pages the program itself could write, and with no
  // fault, TLB fill or accessed/dirty bit (those record the program's own accesses). Returns
  // false, having written nothing, unless every byte qualifies.
  pokeBytes(va: number, data: Uint8Array): boolean;
}
