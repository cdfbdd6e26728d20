/* HeapStep's host prelude: what a scenario translated to C (src/lang/to-c.ts) needs to run on
 * the host's real glibc and record what happened, for "Compare with Your Machine".
 *
 * Each allocator call, system call and assert of the scenario goes through a wrapper here that
 * records, after the call, one JSON line on file descriptor 3 (HEAPSTEP_RECORD_FD): the
 * scenario line, the function, its result with addresses as offsets from the heap base (the
 * program break before main), the chunk's size field and usable size read from its header,
 * and the program break after the call. Recording never allocates: lines are formatted in a
 * static buffer and written with write(2); memory is read through a pipe, so that a pointer
 * into unmapped memory is reported rather than faulted on. stdout is unbuffered (printing
 * allocates nothing) unless the scenario asked for glibc's stdio buffers.
 *
 * The built-ins of the scenario language have host equivalents: rss() and vsz() from
 * /proc/self/statm, minflt() and majflt() from getrusage, brk_now() as sbrk(0), maps() as
 * /proc/self/maps, read(p, n) as gdb's x/xb. heap(), bins(), vis() and pagewalk() show the
 * emulator's own view of glibc and of the page tables; here they print a note. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>
#include <gnu/libc-version.h>

#ifndef HEAPSTEP_RECORD_FD
#define HEAPSTEP_RECORD_FD 3
#endif

extern char __executable_start, end;   /* the program's image: text, data, bss */

/* The prelude's state lives in a section of its own, not in .bss next to the scenario's
 * globals, which attacks on the heap overwrite on purpose (a fake chunk in .bss is zeroed by
 * calloc, past its end). */
#define HS_STATE __attribute__((section(".heapstep")))
static uintptr_t hs_heap_base HS_STATE;
static int hs_peek_pipe[2] HS_STATE = { -1, -1 };
static char hs_line[1024] HS_STATE;
static size_t hs_len HS_STATE;
static int hs_heap_moved HS_STATE;

static void hs_put(const char *s) { while (*s && hs_len < sizeof hs_line - 2) hs_line[hs_len++] = *s++; }
static void hs_putu(uint64_t v) { char b[24]; int i = 23; b[i] = 0; do { b[--i] = (char)('0' + v % 10); v /= 10; } while (v); hs_put(b + i); }
/* beyond 2^53 a number is written as a decimal string, as the emulator's JSON does */
static void hs_putw(uint64_t v) { if (v > 9007199254740991ULL) { hs_put("\""); hs_putu(v); hs_put("\""); } else hs_putu(v); }
static void hs_puti(int64_t v) { if (v < 0) { hs_put("-"); hs_putw((uint64_t)(-(v + 1)) + 1); } else hs_putw((uint64_t)v); }
static void hs_begin(const char *kind, int line, const char *fn) {
  hs_len = 0;
  hs_put("{\"k\":\""); hs_put(kind); hs_put("\",\"line\":"); hs_puti(line);
  hs_put(",\"fn\":\""); hs_put(fn); hs_put("\"");
}
static void hs_brk_field(void) { hs_put(",\"brk\":"); hs_puti((int64_t)((uintptr_t)sbrk(0) - hs_heap_base)); }
static void hs_end(void) {
  hs_line[hs_len++] = '}'; hs_line[hs_len++] = '\n';
  size_t o = 0;
  while (o < hs_len) { ssize_t w = write(HEAPSTEP_RECORD_FD, hs_line + o, hs_len - o); if (w <= 0) break; o += (size_t)w; }
}

/* 8 bytes at `a`, or -1 when they are not readable (write(2) answers EFAULT instead of a fault) */
static int hs_peek(uintptr_t a, uint64_t *v) {
  if (hs_peek_pipe[0] < 0 || write(hs_peek_pipe[1], (const void *)a, 8) != 8) return -1;
  return read(hs_peek_pipe[0], v, 8) == 8 ? 0 : -1;
}

__attribute__((constructor)) static void hs_start(void) {
  int e = errno;
#ifndef HEAPSTEP_STDIO_BUFFERED
  setvbuf(stdout, NULL, _IONBF, 0);
#endif
  /* the emulated process has an 8 MiB stack (RLIMIT_STACK); so does this one */
  struct rlimit rl;
  if (getrlimit(RLIMIT_STACK, &rl) == 0 && (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > (8UL << 20))) { rl.rlim_cur = 8UL << 20; setrlimit(RLIMIT_STACK, &rl); }
  if (pipe2(hs_peek_pipe, O_NONBLOCK | O_CLOEXEC) != 0) hs_peek_pipe[0] = -1;
#ifdef HEAPSTEP_HEAP_BASE_LOW
  /* Where the kernel put the heap differs (ASLR), and a scenario may compute with the heap's
   * address (pad to a 64 KiB boundary, find the next 64 MiB heap boundary): moving the break
   * up first gives the heap the emulator's address modulo 64 MiB. Untouched, it costs no RAM. */
  uintptr_t cur = (uintptr_t)sbrk(0), want = ((uintptr_t)HEAPSTEP_HEAP_BASE_LOW - cur) & ((1UL << 26) - 1);
  hs_heap_moved = want == 0 || sbrk((intptr_t)want) != (void *)-1;
#endif
  hs_heap_base = (uintptr_t)sbrk(0);
  hs_begin("start", 0, "");
  hs_put(",\"glibc\":\""); hs_put(gnu_get_libc_version()); hs_put("\"");
  hs_put(hs_heap_moved ? ",\"heap_low\":true" : ",\"heap_low\":false");
  hs_end();
  errno = e;
}

/* the program break at a normal end (exit, or main returning) */
__attribute__((destructor)) static void hs_final(void) {
  hs_begin("final", 0, "");
  hs_brk_field(); hs_end();
}

/* where a returned pointer lies, and its chunk header */
static void hs_ptr_fields(void *ptr) {
  uintptr_t p = (uintptr_t)ptr, brk = (uintptr_t)sbrk(0);
  uint64_t size = 0, prev = 0, next = 0;
  int ok = hs_peek(p - 8, &size) == 0;
  const char *where = p >= hs_heap_base && p < brk ? "heap"
    : p >= (uintptr_t)&__executable_start && p < (uintptr_t)&end ? "image"
    : ok && (size & 2) ? "mmap" : "other";
  hs_put(",\"where\":\""); hs_put(where); hs_put("\"");
  if (where[0] == 'h') { hs_put(",\"off\":"); hs_puti((int64_t)(p - hs_heap_base)); }
  if (!ok) return;
  hs_put(",\"size\":"); hs_putw(size);
  uint64_t cs = size & ~(uint64_t)7;
  if (size & 2) {
    if (hs_peek(p - 16, &prev) == 0) { hs_put(",\"prev_size\":"); hs_putw(prev); }
    hs_put(",\"usable\":"); hs_putw(cs - 16);
    hs_put(",\"page_off\":"); hs_putu(p & 4095);
  } else if (hs_peek(p - 16 + cs + 8, &next) == 0) {
    hs_put(",\"usable\":"); hs_putw(next & 1 ? cs - 8 : 0);
  }
}

static void *hs_rec_ptr(int line, const char *fn, void *r, int e, void *old, int is_realloc) {
  hs_begin("call", line, fn);
  if (!r) { hs_put(",\"ptr\":null,\"errno\":"); hs_puti(e); }
  else {
    hs_ptr_fields(r);
    if (is_realloc) hs_put(r != old ? ",\"moved\":true" : ",\"moved\":false");
  }
  hs_brk_field(); hs_end();
  errno = e;
  return r;
}
static long hs_rec_num(int line, const char *kind, const char *fn, long v, int e) {
  hs_begin(kind, line, fn);
  hs_put(",\"value\":"); hs_puti(v);
  if (v == -1) { hs_put(",\"errno\":"); hs_puti(e); }
  hs_brk_field(); hs_end();
  errno = e;
  return v;
}

static void *hs_malloc(int line, size_t n) { void *r = malloc(n); return hs_rec_ptr(line, "malloc", r, errno, 0, 0); }
static void *hs_calloc(int line, size_t n, size_t s) { void *r = calloc(n, s); return hs_rec_ptr(line, "calloc", r, errno, 0, 0); }
static void *hs_realloc(int line, void *p, size_t n) { void *r = realloc(p, n); return hs_rec_ptr(line, "realloc", r, errno, p, 1); }
static void *hs_reallocarray(int line, void *p, size_t n, size_t s) { void *r = reallocarray(p, n, s); return hs_rec_ptr(line, "reallocarray", r, errno, p, 1); }
static void *hs_memalign(int line, size_t a, size_t n) { void *r = memalign(a, n); return hs_rec_ptr(line, "memalign", r, errno, 0, 0); }
static void *hs_aligned_alloc(int line, size_t a, size_t n) { void *r = aligned_alloc(a, n); return hs_rec_ptr(line, "aligned_alloc", r, errno, 0, 0); }
static void *hs_valloc(int line, size_t n) { void *r = valloc(n); return hs_rec_ptr(line, "valloc", r, errno, 0, 0); }
static void *hs_pvalloc(int line, size_t n) { void *r = pvalloc(n); return hs_rec_ptr(line, "pvalloc", r, errno, 0, 0); }
static void hs_free(int line, void *p) { free(p); int e = errno; hs_begin("call", line, "free"); hs_brk_field(); hs_end(); errno = e; }
static int hs_posix_memalign(int line, void **pp, size_t a, size_t n) {
  int rc = posix_memalign(pp, a, n), e = errno;
  hs_begin("call", line, "posix_memalign");
  hs_put(",\"rc\":"); hs_puti(rc);
  if (rc == 0) hs_ptr_fields(*pp); else hs_put(",\"ptr\":null");
  hs_brk_field(); hs_end();
  errno = e;
  return rc;
}
static size_t hs_malloc_usable_size(int line, void *p) { size_t r = malloc_usable_size(p); int e = errno; hs_begin("call", line, "malloc_usable_size"); hs_put(",\"value\":"); hs_putw(r); hs_brk_field(); hs_end(); errno = e; return r; }
static int hs_malloc_trim(int line, size_t pad) { int r = malloc_trim(pad); return (int)hs_rec_num(line, "call", "malloc_trim", r, errno); }
static int hs_mallopt(int line, int p, int v) { int r = mallopt(p, v); return (int)hs_rec_num(line, "call", "mallopt", r, errno); }

/* system calls: results that depend on where the kernel put things are reduced to what does not */
static int hs_brk(int line, void *a) { int r = brk(a); return (int)hs_rec_num(line, "sys", "brk", r, errno); }
static void *hs_sbrk(int line, intptr_t inc) {
  void *r = sbrk(inc); int e = errno;
  hs_begin("sys", line, "sbrk");
  if (r == (void *)-1) { hs_put(",\"failed\":true,\"errno\":"); hs_puti(e); }
  else { hs_put(",\"value\":"); hs_puti((int64_t)((uintptr_t)r - hs_heap_base)); }
  hs_brk_field(); hs_end();
  errno = e;
  return r;
}
static void *hs_rec_map(int line, const char *fn, void *r, int e) {
  hs_begin("sys", line, fn);
  if (r == MAP_FAILED) { hs_put(",\"failed\":true,\"errno\":"); hs_puti(e); }
  else { hs_put(",\"page_off\":"); hs_putu((uintptr_t)r & 4095); }
  hs_brk_field(); hs_end();
  errno = e;
  return r;
}
static void *hs_mmap(int line, void *a, size_t n, int prot, int flags, int fd, long off) { void *r = mmap(a, n, prot, flags, fd, off); return hs_rec_map(line, "mmap", r, errno); }
static void *hs_mremap(int line, void *a, size_t o, size_t n, int flags, void *na) { void *r = mremap(a, o, n, flags, na); return hs_rec_map(line, "mremap", r, errno); }
static int hs_munmap(int line, void *a, size_t n) { int r = munmap(a, n); return (int)hs_rec_num(line, "sys", "munmap", r, errno); }
static int hs_mprotect(int line, void *a, size_t n, int prot) { int r = mprotect(a, n, prot); return (int)hs_rec_num(line, "sys", "mprotect", r, errno); }
static int hs_madvise(int line, void *a, size_t n, int advice) { int r = madvise(a, n, advice); return (int)hs_rec_num(line, "sys", "madvise", r, errno); }

/* assert: recorded, and a false one ends the run with status 1, as the scenario language's does */
static void hs_assert(int line, int ok, const char *message) {
  int e = errno;
  hs_begin("assert", line, "assert");
  hs_put(ok ? ",\"ok\":true" : ",\"ok\":false");
  hs_end();
  if (!ok) {
    fflush(stdout);
    size_t n = strlen(message);
    if (write(2, message, n) < 0 || write(2, "\n", 1) < 0) { /* nothing to do */ }
    exit(1);
  }
  errno = e;
}

/* the introspection built-ins */
static long hs_statm(int field) {
  char b[256]; long v[3] = { 0, 0, 0 };
  int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = read(fd, b, sizeof b - 1);
  close(fd);
  if (n <= 0) return 0;
  b[n] = 0;
  char *s = b;
  for (int i = 0; i < 3; i++) { v[i] = strtol(s, &s, 10); }
  return v[field] * sysconf(_SC_PAGESIZE);
}
static size_t hs_vsz(void) { return (size_t)hs_statm(0); }
static size_t hs_rss(void) { return (size_t)hs_statm(1); }
static long hs_minflt(void) { struct rusage u; getrusage(RUSAGE_SELF, &u); return u.ru_minflt; }
static long hs_majflt(void) { struct rusage u; getrusage(RUSAGE_SELF, &u); return u.ru_majflt; }
static void *hs_brk_now(void) { return sbrk(0); }
static void hs_note(const char *what) { printf("[%s: the emulator's own view; not shown by the host run]\n", what); }
static void hs_heap(void) { hs_note("heap()"); }
static void hs_bins(void) { hs_note("bins()"); }
static void hs_vis(void) { hs_note("vis()"); }
static void hs_pagewalk(void *p) { (void)p; hs_note("pagewalk()"); }
static void hs_maps(void) {
  static char b[1 << 16];
  int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  ssize_t n;
  while ((n = read(fd, b, sizeof b)) > 0) fwrite(b, 1, (size_t)n, stdout);
  close(fd);
}
/* read(p, n): gdb's x/Nxb, eight bytes a line; returns the first byte */
static int hs_hexdump(void *p, long n) {
  unsigned char *a = (unsigned char *)p;
  if (n <= 0) return 0;
  if (n > 65536) n = 65536;
  for (long off = 0; off < n; off += 8) {
    printf("0x%lx:", (unsigned long)(a + off));
    for (long i = off; i < n && i < off + 8; i++) printf("\t0x%02x", a[i]);
    printf("\n");
  }
  return a[0];
}
/* write(p, "bytes"), write(p, s) and write(p, value, width) */
static int hs_write_bytes(void *p, const char *s, int n) { memcpy(p, s, (size_t)n); return n; }
static int hs_write_str(void *p, const char *s) { size_t n = strlen(s); memcpy(p, s, n); return (int)n; }
static int hs_store(void *p, unsigned long long v, int w) {
  unsigned char *a = (unsigned char *)p;
  for (int i = 0; i < w; i++) a[i] = (unsigned char)(i < 8 ? v >> (8 * i) : 0);
  return w;
}
