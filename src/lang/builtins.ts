// The built-in functions and constants of the scenario language, with the C signatures of
// glibc's headers (LANGUAGE.md's table).
export interface BuiltinSig {
  ret: string;
  params: string[];          // type names: 'size_t', 'void*', 'int', 'long', 'char*', 'void**', 'intptr_t', 'scalar', 'any'
  variadic?: boolean;
  minArgs?: number;          // for built-ins with optional trailing arguments
  doc: string;
}

export const BUILTINS: Record<string, BuiltinSig> = {
  malloc: { ret: 'void*', params: ['size_t'], doc: 'allocate n bytes (glibc 2.36 malloc)' },
  calloc: { ret: 'void*', params: ['size_t', 'size_t'], doc: 'allocate n*size zeroed bytes' },
  realloc: { ret: 'void*', params: ['void*', 'size_t'], doc: 'resize an allocation' },
  reallocarray: { ret: 'void*', params: ['void*', 'size_t', 'size_t'], doc: 'resize to n*size bytes, checking overflow' },
  free: { ret: 'void', params: ['void*'], doc: 'release an allocation' },
  memalign: { ret: 'void*', params: ['size_t', 'size_t'], doc: 'allocate with an alignment' },
  aligned_alloc: { ret: 'void*', params: ['size_t', 'size_t'], doc: 'allocate with an alignment (C11)' },
  valloc: { ret: 'void*', params: ['size_t'], doc: 'allocate page-aligned' },
  pvalloc: { ret: 'void*', params: ['size_t'], doc: 'allocate whole pages, page-aligned' },
  posix_memalign: { ret: 'int', params: ['void**', 'size_t', 'size_t'], doc: 'allocate aligned into *memptr' },
  malloc_usable_size: { ret: 'size_t', params: ['void*'], doc: 'bytes usable in an allocation' },
  malloc_trim: { ret: 'int', params: ['size_t'], doc: 'give free memory back to the kernel' },
  mallopt: { ret: 'int', params: ['int', 'int'], doc: 'set a malloc parameter (M_*)' },
  malloc_stats: { ret: 'void', params: [], doc: "print glibc's allocator statistics" },
  brk: { ret: 'int', params: ['void*'], doc: 'set the program break' },
  sbrk: { ret: 'void*', params: ['intptr_t'], doc: 'move the program break; returns the old one' },
  mmap: { ret: 'void*', params: ['void*', 'size_t', 'int', 'int', 'int', 'long'], doc: 'map memory' },
  munmap: { ret: 'int', params: ['void*', 'size_t'], doc: 'unmap memory' },
  mremap: { ret: 'void*', params: ['void*', 'size_t', 'size_t', 'int', 'void*'], minArgs: 3, doc: 'grow, shrink or move a mapping' },
  mprotect: { ret: 'int', params: ['void*', 'size_t', 'int'], doc: 'change page protection' },
  madvise: { ret: 'int', params: ['void*', 'size_t', 'int'], doc: 'advise the kernel about pages' },
  memset: { ret: 'void*', params: ['void*', 'int', 'size_t'], doc: 'fill bytes' },
  memcpy: { ret: 'void*', params: ['void*', 'void*', 'size_t'], doc: 'copy bytes' },
  memmove: { ret: 'void*', params: ['void*', 'void*', 'size_t'], doc: 'copy possibly overlapping bytes' },
  memcmp: { ret: 'int', params: ['void*', 'void*', 'size_t'], doc: 'compare bytes' },
  strcpy: { ret: 'char*', params: ['char*', 'char*'], doc: 'copy a string' },
  strncpy: { ret: 'char*', params: ['char*', 'char*', 'size_t'], doc: 'copy at most n bytes of a string' },
  strlen: { ret: 'size_t', params: ['char*'], doc: 'length of a string' },
  strcmp: { ret: 'int', params: ['char*', 'char*'], doc: 'compare strings' },
  printf: { ret: 'int', params: ['char*'], variadic: true, doc: 'formatted output' },
  puts: { ret: 'int', params: ['char*'], doc: 'write a line' },
  putchar: { ret: 'int', params: ['int'], doc: 'write a character' },
  assert: { ret: 'void', params: ['scalar'], doc: 'stop with a message when false' },
  exit: { ret: 'void', params: ['int'], doc: 'end the program' },
  abort: { ret: 'void', params: [], doc: 'end the program with SIGABRT' },
  heap: { ret: 'void', params: [], doc: "print every chunk, like pwndbg's heap" },
  bins: { ret: 'void', params: [], doc: "print the bins, like pwndbg's bins" },
  vis: { ret: 'void', params: ['int'], minArgs: 0, doc: "print the chunks' bytes, like pwndbg's vis_heap_chunks" },
  maps: { ret: 'void', params: [], doc: 'print /proc/self/maps' },
  pagewalk: { ret: 'void', params: ['void*'], doc: 'print the page-table walk of an address' },
  rss: { ret: 'size_t', params: [], doc: 'resident set size in bytes' },
  vsz: { ret: 'size_t', params: [], doc: 'virtual size in bytes' },
  minflt: { ret: 'long', params: [], doc: 'minor page faults so far' },
  majflt: { ret: 'long', params: [], doc: 'major page faults so far' },
  brk_now: { ret: 'void*', params: [], doc: 'the current program break' },
  syscalls: { ret: 'long', params: [], doc: "system calls so far, each a switch to kernel mode and back (strace -c's total)" },
  tlb_misses: { ret: 'long', params: [], doc: 'TLB misses so far: translations found in neither TLB level, so the MMU walked the page tables' },
  read: { ret: 'int', params: ['void*', 'size_t'], doc: 'hex dump of n bytes (like x/xb); returns the first; read(fd, buf, n) with an int fd is the system call' },
  write: { ret: 'int', params: ['void*', 'any', 'int'], minArgs: 2, doc: 'write a string, or a value of a width, at an address; write(fd, buf, n) with an int fd is the system call' },
  // read(fd, buf, n) and write(fd, buf, n): the checker turns a call whose first argument is an
  // int (a file descriptor) into these, glibc's own names for the system-call wrappers
  __read: { ret: 'long', params: ['int', 'void*', 'size_t'], doc: 'read(2): up to n bytes from a file into buf' },
  __write: { ret: 'long', params: ['int', 'void*', 'size_t'], doc: 'write(2): n bytes from buf to a file (fd 1, 2: the output)' },
  open: { ret: 'int', params: ['char*', 'int', 'int'], minArgs: 2, doc: 'open a file of the emulated disk (#pragma file); returns a descriptor' },
  close: { ret: 'int', params: ['int'], doc: 'close a descriptor' },
  lseek: { ret: 'long', params: ['int', 'long', 'int'], doc: 'move the file offset (SEEK_SET, SEEK_CUR, SEEK_END)' },
  fsync: { ret: 'int', params: ['int'], doc: "write the file's dirty pages back to the disk" },
  msync: { ret: 'int', params: ['void*', 'size_t', 'int'], doc: 'MS_SYNC: write the dirty pages of a shared file mapping back' },
  meminfo: { ret: 'void', params: [], doc: 'print /proc/meminfo' },
  vmstat: { ret: 'void', params: [], doc: "print /proc/vmstat's paging and reclaim counters" },
  vmevent: { ret: 'long', params: ['char*'], doc: 'one /proc/vmstat counter, or a /proc/meminfo value in kB, by name' },
};

// glibc's allocator among the built-ins: the calls that return a chunk's user memory, and every
// entry point into malloc.c the program can call (the interpreter, the debugger, Explain and
// Compare all ask these two lists)
export const RETURNS_CHUNK: ReadonlySet<string> = new Set(['malloc', 'calloc', 'realloc', 'reallocarray', 'memalign', 'aligned_alloc', 'valloc', 'pvalloc']);
export const ALLOCATOR_ENTRIES: ReadonlySet<string> = new Set([...RETURNS_CHUNK, 'free', 'posix_memalign', 'malloc_usable_size', 'malloc_trim', 'mallopt']);

// name -> [value, type] ('int' unless the value needs more)
export const CONSTANTS: Record<string, [bigint, 'int' | 'long' | 'ulong' | 'void*']> = {
  NULL: [0n, 'void*'], MAP_FAILED: [-1n, 'void*'],
  SIZE_MAX: [(1n << 64n) - 1n, 'ulong'], INT_MAX: [2147483647n, 'int'], INT_MIN: [-2147483648n, 'int'],
  UINT_MAX: [4294967295n, 'ulong'], LONG_MAX: [(1n << 63n) - 1n, 'long'], LONG_MIN: [-(1n << 63n), 'long'],
  PTRDIFF_MAX: [(1n << 63n) - 1n, 'long'], true: [1n, 'int'], false: [0n, 'int'], EOF: [-1n, 'int'],
  M_MXFAST: [1n, 'int'], M_NLBLKS: [2n, 'int'], M_GRAIN: [3n, 'int'], M_KEEP: [4n, 'int'],
  M_TRIM_THRESHOLD: [-1n, 'int'], M_TOP_PAD: [-2n, 'int'], M_MMAP_THRESHOLD: [-3n, 'int'], M_MMAP_MAX: [-4n, 'int'],
  M_CHECK_ACTION: [-5n, 'int'], M_PERTURB: [-6n, 'int'], M_ARENA_TEST: [-7n, 'int'], M_ARENA_MAX: [-8n, 'int'],
  PROT_NONE: [0n, 'int'], PROT_READ: [1n, 'int'], PROT_WRITE: [2n, 'int'], PROT_EXEC: [4n, 'int'],
  MAP_SHARED: [1n, 'int'], MAP_PRIVATE: [2n, 'int'], MAP_FIXED: [0x10n, 'int'], MAP_ANONYMOUS: [0x20n, 'int'],
  MAP_ANON: [0x20n, 'int'], MAP_GROWSDOWN: [0x100n, 'int'], MAP_NORESERVE: [0x4000n, 'int'],
  MAP_POPULATE: [0x8000n, 'int'], MAP_FIXED_NOREPLACE: [0x100000n, 'int'],
  MREMAP_MAYMOVE: [1n, 'int'], MREMAP_FIXED: [2n, 'int'],
  MADV_NORMAL: [0n, 'int'], MADV_RANDOM: [1n, 'int'], MADV_SEQUENTIAL: [2n, 'int'], MADV_WILLNEED: [3n, 'int'],
  MADV_DONTNEED: [4n, 'int'], MADV_FREE: [8n, 'int'], MADV_REMOVE: [9n, 'int'],
  ENOMEM: [12n, 'int'], EINVAL: [22n, 'int'], ENOENT: [2n, 'int'], EBADF: [9n, 'int'], EACCES: [13n, 'int'], EFAULT: [14n, 'int'],
  O_RDONLY: [0n, 'int'], O_WRONLY: [1n, 'int'], O_RDWR: [2n, 'int'], O_CREAT: [0x40n, 'int'], O_TRUNC: [0x200n, 'int'], O_APPEND: [0x400n, 'int'],
  SEEK_SET: [0n, 'int'], SEEK_CUR: [1n, 'int'], SEEK_END: [2n, 'int'],
  MS_ASYNC: [1n, 'int'], MS_INVALIDATE: [2n, 'int'], MS_SYNC: [4n, 'int'],
  STDIN_FILENO: [0n, 'int'], STDOUT_FILENO: [1n, 'int'], STDERR_FILENO: [2n, 'int'],
};
