/* The real glibc side of HeapStep's differential test.
 *
 * Reads a trace (one allocator operation per line, see trace.ts) and runs it on the glibc
 * this process was loaded with, printing after each operation one JSON line with the fields of
 * ORACLE.md's step schema that are compared: ret, brk, heap, top, tcache, fastbins, unsorted,
 * smallbins, largebins, arena, mp, mallinfo2, resident_pages. Addresses are offsets from the heap
 * base (the program break before the first operation).
 *
 * It never allocates: the trace is read with read(2) into a static buffer, output is formatted
 * into a static buffer and written with write(2). main_arena, mp_, global_max_fast and
 * perturb_byte are read at their offsets in libc (argv, from the debug symbols), libc's base
 * found with dladdr-free arithmetic from a known exported symbol's offset (argv too).
 *
 * usage: harness TRACE MALLOC_OFF MAIN_ARENA_OFF MP_OFF GMF_OFF PERTURB_OFF SAFE_LINKING TCACHE_TLS_OFF
 */
#define _GNU_SOURCE
#include <errno.h>
#include <link.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static char in[1 << 22];
static char out[1 << 22];
static size_t olen;
static void *slot[4096];
static uintptr_t heap_base;
/* weak: absent before glibc 2.33, where the harness falls back to mallinfo() */
#if !(__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
struct mallinfo2 { size_t arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost; };
#endif
extern struct mallinfo2 mallinfo2(void) __attribute__((weak));
static uintptr_t av, mpp, gmf, perturb;
static int safe_linking;
/* struct offsets of this glibc version (from its debug info; see host.ts), -1 where absent */
enum { A_FLAGS, A_HAVE_FAST, A_FASTBINS, A_TOP, A_LR, A_BINS, A_BINMAP, A_SYSMEM, A_MAXSYSMEM,
       M_TRIM, M_TOPPAD, M_MMAPTH, M_ARENATEST, M_ARENAMAX, M_NMMAPS, M_NMMAPSMAX, M_MAXNMMAPS, M_NODYN,
       M_MMAPPED, M_MAXMMAPPED, M_SBRKBASE, M_TCBINS, M_TCMAXBYTES, M_TCCOUNT, M_TCUNSORTED,
       T_NBINS, T_ENTRIES, L_COUNT };
static long L[L_COUNT] = { 4, 8, 0x10, 0x60, 0x68, 0x70, 0x860, 0x888, 0x890,
       0, 8, 16, 24, 32, 60, 64, 68, 72, 80, 88, 96, 104, 112, 120, 128, 64, 128 };
static uint64_t rdo(uintptr_t base, int k) { return L[k] < 0 ? 0 : *(volatile uint64_t *)(base + L[k]); }
static uint32_t rdo32(uintptr_t base, int k) { return L[k] < 0 ? 0 : *(volatile uint32_t *)(base + L[k]); }
static uintptr_t tcache_var;   /* &tcache, libc's thread-local pointer */
static uintptr_t malloc_initialized;   /* &__malloc_initialized */

static int find_libc_tls(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  if (info->dlpi_name && strstr(info->dlpi_name, "libc.so") && info->dlpi_tls_data) { *(uintptr_t *)data = (uintptr_t)info->dlpi_tls_data; return 1; }
  return 0;
}

static void flush(void) { size_t o = 0; while (o < olen) { ssize_t w = write(1, out + o, olen - o); if (w <= 0) break; o += w; } olen = 0; }
static void put(const char *s) { size_t n = strlen(s); if (olen + n >= sizeof out) flush(); memcpy(out + olen, s, n); olen += n; }
static void putu(uint64_t v) { char b[24]; int i = 23; b[i] = 0; do { b[--i] = '0' + v % 10; v /= 10; } while (v); put(b + i); }
static void puti(int64_t v) { if (v < 0) { put("-"); putu((uint64_t)(-(v + 1)) + 1); } else putu(v); }
/* numbers beyond 2^53 are written as decimal strings, as the emulator does */
static void putW(uint64_t v) { if (v > 9007199254740991ULL) { put("\""); putu(v); put("\""); } else putu(v); }
static void putoff(uintptr_t a) { puti((int64_t)(a - heap_base)); }

static uint64_t rd(uintptr_t a) { return *(volatile uint64_t *)a; }
static uint32_t rd32(uintptr_t a) { return *(volatile uint32_t *)a; }
static uintptr_t reveal(uintptr_t pos, uintptr_t v) { return safe_linking ? ((pos >> 12) ^ v) : v; }

static int resident(uintptr_t start, uintptr_t end) {
  if (end <= start) return 0;
  start &= ~(uintptr_t)4095;
  size_t n = (end - start + 4095) / 4096;
  static unsigned char vec[1 << 20];
  if (n > sizeof vec) n = sizeof vec;
  if (mincore((void *)start, n * 4096, vec) != 0) return -1;
  int c = 0;
  for (size_t i = 0; i < n; i++) c += vec[i] & 1;
  return c;
}

#define BIN_AT(i) (av + L[A_BINS] + ((i) - 1) * 16 - 16)

static void dump_state(void) {
  uintptr_t brk = (uintptr_t)sbrk(0);
  uintptr_t top = rdo(av, A_TOP);
  uintptr_t sbrk_base = rdo(mpp, M_SBRKBASE);
  put(",\"brk\":"); puti((int64_t)(brk - heap_base));
  put(",\"heap\":[");
  int first = 1;
  if (sbrk_base) {
    uintptr_t p = sbrk_base; int n = 0;
    while (p != top && p < brk && n++ < 1000000) {
      uint64_t sz = rd(p + 8);
      if (!first) put(","); first = 0;
      put("["); putoff(p); put(","); putW(sz); put("]");
      uint64_t step = sz & ~7ULL;
      if (step == 0) break;
      p += step;
    }
  }
  put("],\"top\":[");
  if (sbrk_base) { putoff(top); put(","); putW(rd(top + 8)); } else put("0,0");
  put("]");
  /* tcache: the first chunk's body, once malloc has created it */
  uintptr_t tc = tcache_var ? rd(tcache_var) : 0;
  if (tc) {
    put(",\"tcache\":{\"at\":"); putoff(tc); put(",\"counts\":[");
    for (int i = 0; i < L[T_NBINS]; i++) { if (i) put(","); putu(*(volatile uint16_t *)(tc + 2 * i)); }
    put("],\"chains\":{");
    int fc = 1;
    for (int i = 0; i < L[T_NBINS]; i++) {
      uintptr_t e = rd(tc + L[T_ENTRIES] + 8 * i);
      if (!e) continue;
      if (!fc) put(","); fc = 0;
      put("\""); putu(i); put("\":[");
      int n = 0;
      while (e && n < 64) { if (n) put(","); putoff(e - 16); n++; e = reveal(e, rd(e)); }
      put("]");
    }
    put("}}");
  } else put(",\"tcache\":null");
  put(",\"fastbins\":{");
  first = 1;
  for (int i = 0; i < 10 && L[A_FASTBINS] >= 0; i++) {
    uintptr_t p = rd(av + L[A_FASTBINS] + 8 * i);
    if (!p) continue;
    if (!first) put(","); first = 0;
    put("\""); putu(i); put("\":[");
    int n = 0;
    while (p && n < 100000) { if (n) put(","); putoff(p); n++; p = reveal(p + 16, rd(p + 16)); }
    put("]");
  }
  put("}");
  int initialized = rd(BIN_AT(1) + 16) != 0;
  put(",\"unsorted\":[");
  if (initialized) { uintptr_t b = BIN_AT(1), p = rd(b + 16); int n = 0; while (p != b && p && n < 100000) { if (n) put(","); putoff(p); n++; p = rd(p + 16); } }
  put("]");
  for (int pass = 0; pass < 2; pass++) {
    put(pass ? ",\"largebins\":{" : ",\"smallbins\":{");
    first = 1;
    if (initialized) for (int i = pass ? 64 : 2; i < (pass ? 127 : 64); i++) {
      uintptr_t b = BIN_AT(i), p = rd(b + 16);
      if (p == b || !p) continue;
      if (!first) put(","); first = 0;
      put("\""); putu(i); put("\":[");
      int n = 0;
      while (p != b && p && n < 100000) { if (n) put(","); putoff(p); n++; p = rd(p + 16); }
      put("]");
    }
    put("}");
  }
  uintptr_t lr = rdo(av, A_LR);
  put(",\"arena\":{\"top\":");
  if (initialized && top != BIN_AT(1)) putoff(top); else put("null");
  put(",\"last_remainder\":"); if (lr) putoff(lr); else put("null");
  put(",\"have_fastchunks\":"); puti((int32_t)rdo32(av, A_HAVE_FAST));
  put(",\"flags\":"); puti((int32_t)rdo32(av, A_FLAGS));
  put(",\"binmap\":["); for (int i = 0; i < 4; i++) { if (i) put(","); putu(rd32(av + L[A_BINMAP] + 4 * i)); } put("]");
  put(",\"system_mem\":"); putW(rdo(av, A_SYSMEM));
  put(",\"max_system_mem\":"); putW(rdo(av, A_MAXSYSMEM));
  put("},\"mp\":{");
  put("\"trim_threshold\":"); putW(rdo(mpp, M_TRIM));
  put(",\"top_pad\":"); putW(rdo(mpp, M_TOPPAD));
  put(",\"mmap_threshold\":"); putW(rdo(mpp, M_MMAPTH));
  put(",\"arena_test\":"); putW(rdo(mpp, M_ARENATEST));
  put(",\"arena_max\":"); putW(rdo(mpp, M_ARENAMAX));
  put(",\"n_mmaps\":"); puti((int32_t)rdo32(mpp, M_NMMAPS));
  put(",\"n_mmaps_max\":"); puti((int32_t)rdo32(mpp, M_NMMAPSMAX));
  put(",\"max_n_mmaps\":"); puti((int32_t)rdo32(mpp, M_MAXNMMAPS));
  put(",\"no_dyn_threshold\":"); puti((int32_t)rdo32(mpp, M_NODYN));
  put(",\"mmapped_mem\":"); putW(rdo(mpp, M_MMAPPED));
  put(",\"max_mmapped_mem\":"); putW(rdo(mpp, M_MAXMMAPPED));
  put(",\"tcache_bins\":"); putW(rdo(mpp, M_TCBINS));
  put(",\"tcache_max_bytes\":"); putW(rdo(mpp, M_TCMAXBYTES));
  put(",\"tcache_count\":"); putW(rdo(mpp, M_TCCOUNT));
  put(",\"tcache_unsorted_limit\":"); putW(rdo(mpp, M_TCUNSORTED));
  put(",\"global_max_fast\":"); putW(rd(gmf));
  put(",\"perturb_byte\":"); puti((int32_t)rd32(perturb));
  put("}");
  /* mallinfo2() would run ptmalloc_init on a fresh process: read what it would report instead */
  struct mallinfo2 mi;
  if (malloc_initialized && !*(volatile char *)malloc_initialized) { memset(&mi, 0, sizeof mi); mi.ordblks = 1; }
  else if (mallinfo2) mi = mallinfo2();
  else {   /* glibc < 2.33: mallinfo's int fields */
    struct mallinfo o = mallinfo();
    mi.arena = (unsigned)o.arena; mi.ordblks = (unsigned)o.ordblks; mi.smblks = (unsigned)o.smblks; mi.hblks = (unsigned)o.hblks;
    mi.hblkhd = (unsigned)o.hblkhd; mi.usmblks = (unsigned)o.usmblks; mi.fsmblks = (unsigned)o.fsmblks; mi.uordblks = (unsigned)o.uordblks;
    mi.fordblks = (unsigned)o.fordblks; mi.keepcost = (unsigned)o.keepcost;
  }
  put(",\"mallinfo2\":{\"arena\":"); putW(mi.arena);
  put(",\"ordblks\":"); putW(mi.ordblks); put(",\"smblks\":"); putW(mi.smblks);
  put(",\"hblks\":"); putW(mi.hblks); put(",\"hblkhd\":"); putW(mi.hblkhd);
  put(",\"usmblks\":"); putW(mi.usmblks); put(",\"fsmblks\":"); putW(mi.fsmblks);
  put(",\"uordblks\":"); putW(mi.uordblks); put(",\"fordblks\":"); putW(mi.fordblks);
  put(",\"keepcost\":"); putW(mi.keepcost); put("}");
  put(",\"resident_pages\":"); puti(resident(heap_base, brk));
}

/* ret for a pointer returned by an allocation function */
static void ret_ptr(void *m, int err) {
  if (!m) { put("{\"ptr\":null,\"errno\":"); puti(err); put("}"); return; }
  uintptr_t p = (uintptr_t)m - 16;
  uint64_t size = rd(p + 8);
  if (size & 2) {
    uint64_t prev = rd(p);
    uintptr_t block = p - prev;
    put("{\"mmapped\":true,\"size\":"); putW(size);
    put(",\"prev_size\":"); putW(prev);
    put(",\"usable\":"); putW(malloc_usable_size(m));
    put(",\"page_off\":"); putu((uintptr_t)m & 4095);
    put(",\"resident_pages\":"); puti(resident(block, block + prev + (size & ~7ULL)));
    put("}");
    return;
  }
  put("{\"ptr\":"); putoff((uintptr_t)m); put(",\"size\":"); putW(size);
  put(",\"usable\":"); putW(malloc_usable_size(m)); put("}");
}

static const char *cur;
static int eol(void) { while (*cur == ' ' || *cur == '\t') cur++; return *cur == '\n' || *cur == 0 || *cur == '#'; }
static uint64_t num(void) {
  while (*cur == ' ' || *cur == '\t') cur++;
  int neg = 0; if (*cur == '-') { neg = 1; cur++; }
  uint64_t v = 0;
  if (cur[0] == '0' && (cur[1] == 'x' || cur[1] == 'X')) { cur += 2; for (;;) { char c = *cur; int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1; if (d < 0) break; v = v * 16 + d; cur++; } }
  else while (*cur >= '0' && *cur <= '9') v = v * 10 + (*cur++ - '0');
  return neg ? -v : v;
}
static int word(const char *w) { size_t n = strlen(w); if (strncmp(cur, w, n) == 0 && (cur[n] == ' ' || cur[n] == '\t' || cur[n] == '\n' || cur[n] == 0)) { cur += n; return 1; } return 0; }

int main(int argc, char **argv) {
  if (argc < 8) { write(2, "usage: harness TRACE MALLOC_OFF MAIN_ARENA_OFF MP_OFF GMF_OFF PERTURB_OFF SAFE_LINKING\n", 86); return 2; }
  int fd = open(argv[1], O_RDONLY);
  if (fd < 0) return 2;
  ssize_t n = 0, r;
  while ((r = read(fd, in + n, sizeof in - 1 - n)) > 0) n += r;
  in[n] = 0;
  close(fd);
  uintptr_t libc = (uintptr_t)&malloc - strtoull(argv[2], 0, 0);
  av = libc + strtoull(argv[3], 0, 0);
  mpp = libc + strtoull(argv[4], 0, 0);
  /* absent in some versions (2.43 has no fastbins): read as 0 */
  static uint64_t zero;
  gmf = strtoull(argv[5], 0, 0) ? libc + strtoull(argv[5], 0, 0) : (uintptr_t)&zero;
  perturb = strtoull(argv[6], 0, 0) ? libc + strtoull(argv[6], 0, 0) : (uintptr_t)&zero;
  safe_linking = atoi(argv[7]);
  uintptr_t tls = 0;
  dl_iterate_phdr(find_libc_tls, &tls);
  if (argc > 8 && tls) tcache_var = tls + strtoull(argv[8], 0, 0);
  if (argc > 9 && strtoull(argv[9], 0, 0)) malloc_initialized = libc + strtoull(argv[9], 0, 0);
  if (argc > 10) {   /* the struct layout, comma-separated, in the order of the enum above */
    const char *q = argv[10];
    for (int k = 0; k < L_COUNT && *q; k++) { L[k] = strtol(q, (char **)&q, 0); if (*q == ',') q++; }
  }
  /* Move the break so the heap base has the emulator's low 24 bits (gdb's 0x555555559000):
     memalign's results depend on the heap base modulo the alignment, and this makes them
     comparable for every alignment up to 16 MiB. */
  uintptr_t cur0 = (uintptr_t)sbrk(0);
  uintptr_t want = (cur0 & ~(uintptr_t)0xffffff) | 0x559000;
  if (want < cur0) want += 0x1000000;
  if (want != cur0 && sbrk(want - cur0) == (void *)-1) return 3;
  heap_base = (uintptr_t)sbrk(0);
  int step = 0;
  for (cur = in; *cur; ) {
    while (*cur == ' ' || *cur == '\t' || *cur == '\n') cur++;
    if (!*cur) break;
    if (*cur == '#') { while (*cur && *cur != '\n') cur++; continue; }
    errno = 0;
    int printed = 1;
    size_t mark = olen;
    put("{\"step\":"); putu(step++); put(",\"ret\":");
    if (word("malloc")) { uint64_t i = num(), sz = num(); void *m = malloc(sz); int e = errno; slot[i] = m; ret_ptr(m, e); }
    else if (word("calloc")) { uint64_t i = num(), a = num(), b = num(); void *m = calloc(a, b); int e = errno; slot[i] = m; ret_ptr(m, e); }
    else if (word("realloc")) {
      uint64_t i = num(), j = num(), sz = num(); void *old = slot[j]; void *m = realloc(old, sz); int e = errno;
      slot[i] = m;
      ret_ptr(m, e);
      if (m) { olen--; put(",\"moved\":"); put(m != old ? "true}" : "false}"); }
    }
    else if (word("reallocarray")) {
      uint64_t i = num(), j = num(), a = num(), b = num(); void *old = slot[j]; void *m = reallocarray(old, a, b); int e = errno;
      slot[i] = m;
      ret_ptr(m, e);
      if (m) { olen--; put(",\"moved\":"); put(m != old ? "true}" : "false}"); }
    }
    else if (word("free")) { uint64_t i = num(); free(slot[i]); put("null"); }
    else if (word("memalign")) { uint64_t i = num(), a = num(), sz = num(); void *m = memalign(a, sz); int e = errno; slot[i] = m; ret_ptr(m, e); }
    else if (word("aligned_alloc")) { uint64_t i = num(), a = num(), sz = num(); void *m = aligned_alloc(a, sz); int e = errno; slot[i] = m; ret_ptr(m, e); }
    else if (word("valloc")) { uint64_t i = num(), sz = num(); void *m = valloc(sz); int e = errno; slot[i] = m; ret_ptr(m, e); }
    else if (word("pvalloc")) { uint64_t i = num(), sz = num(); void *m = pvalloc(sz); int e = errno; slot[i] = m; ret_ptr(m, e); }
    else if (word("posix_memalign")) {
      uint64_t i = num(), a = num(), sz = num(); void *m = 0; int rc = posix_memalign(&m, a, sz);
      if (rc == 0) { slot[i] = m; ret_ptr(m, 0); olen--; put(",\"rc\":0}"); }
      else { put("{\"ptr\":null,\"rc\":"); puti(rc); put("}"); }
    }
    else if (word("usable")) { uint64_t i = num(); putu(malloc_usable_size(slot[i])); }
    else if (word("mallopt")) { int64_t p = (int64_t)num(), v = (int64_t)num(); puti(mallopt((int)p, (int)v)); }
    else if (word("trim")) { uint64_t pad = num(); puti(malloc_trim(pad)); }
    else if (word("write")) { uint64_t i = num(), off = num(), v = num(); *(volatile uint64_t *)((char *)slot[i] + off) = v; olen = mark; printed = 0; step--; }
    else { write(2, "harness: bad trace line\n", 24); return 2; }
    if (printed) { dump_state(); put("}\n"); }
    while (*cur && *cur != '\n') cur++;
    flush();
  }
  flush();
  return 0;
}
