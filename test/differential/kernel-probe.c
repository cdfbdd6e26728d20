/* What this host's kernel does, for the kernel differential test: minor faults and RSS when
 * touching N pages of a fresh anonymous mapping, where consecutive anonymous mmaps land
 * relative to each other, how munmap/mprotect split a mapping, and the stack limit.
 * Prints one JSON object. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

static long minflt(void) { struct rusage u; getrusage(RUSAGE_SELF, &u); return u.ru_minflt; }
static long rss_pages(void) { long a = 0, b = 0; FILE *f = fopen("/proc/self/statm", "r"); if (fscanf(f, "%ld %ld", &a, &b) != 2) b = -1; fclose(f); return b; }

int main(void) {
  const long P = 4096;
  int ns[] = {1, 3, 10, 100};
  rss_pages(); minflt();   /* the first fopen allocates and faults: get it out of the way */
  printf(" ");
  printf("{\"touch\":[");
  for (int k = 0; k < 4; k++) {
    char *m = mmap(0, 256 * P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    long f0 = minflt(), r0 = rss_pages();
    for (int i = 0; i < ns[k]; i++) m[(long)i * 2 * P] = 1;    /* every other page */
    long f1 = minflt(), r1 = rss_pages();
    printf("%s{\"n\":%d,\"minflt\":%ld,\"rss_pages\":%ld}", k ? "," : "", ns[k], f1 - f0, r1 - r0);
    munmap(m, 256 * P);
  }
  /* consecutive anonymous mappings too big for the gaps between the libraries */
  char *a = mmap(0, 64 * P, 3, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  char *b = mmap(0, 64 * P, 3, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  char *c = mmap(0, 128 * P, 3, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  printf("],\"placement\":[%ld,%ld]", (long)(a - b) / P, (long)(b - c) / P);
  /* splitting: 20 pages, munmap [4,6), mprotect [8,9) read-only */
  char *s = mmap(0, 20 * P, 3, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(s + 4 * P, 2 * P);
  mprotect(s + 8 * P, P, PROT_READ);
  printf(",\"split\":[");
  FILE *f = fopen("/proc/self/maps", "r");
  char line[512]; int first = 1;
  while (fgets(line, sizeof line, f)) {
    unsigned long lo, hi; char perms[8];
    if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3) continue;
    unsigned long S = (unsigned long)s, E = S + 20 * P;
    if (hi <= S || lo >= E) continue;
    if (lo < S) lo = S; if (hi > E) hi = E;
    printf("%s[%ld,%ld,\"%s\"]", first ? "" : ",", (long)(lo - S) / P, (long)(hi - S) / P, perms);
    first = 0;
  }
  fclose(f);
  struct rlimit rl; getrlimit(RLIMIT_STACK, &rl);
  printf("],\"stack_rlimit\":%ld}\n", (long)rl.rlim_cur);
  return 0;
}
