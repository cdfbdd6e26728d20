/* What this host's kernel does with file pages, for the page-cache differential test: which
 * pages of a file read() leaves in the page cache (mincore on a mapping), which a fault
 * brings in, the faults counted for a cached read, a copy-on-write store and an uncached
 * read, and what each view of the file sees after private and shared stores.
 * Readahead is switched off (POSIX_FADV_RANDOM, MADV_RANDOM) because the emulator has none;
 * pages are 16 apart so the kernel's fault-around (64 KiB windows) never maps a page the
 * next measurement touches. The file's bytes are the emulator's `#pragma file` pattern.
 * Argument: the path of a scratch file. Prints one JSON object. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#define P 4096L
#define NPAGES 64

static unsigned char pattern(long off) { return off % 64 == 63 ? '\n' : 'A' + (off + off / P) % 26; }
static void faults(long *mn, long *mj) { struct rusage u; getrusage(RUSAGE_SELF, &u); *mn = u.ru_minflt; *mj = u.ru_majflt; }

static void residency(const char *key, void *m) {
  unsigned char v[NPAGES];
  mincore(m, NPAGES * P, v);
  printf("\"%s\":\"", key);
  for (int i = 0; i < NPAGES; i++) putchar(v[i] & 1 ? '1' : '0');
  printf("\",");
}

int main(int argc, char **argv) {
  const char *path = argc > 1 ? argv[1] : "pagecache-probe.dat";
  static unsigned char buf[NPAGES * P];
  for (long o = 0; o < NPAGES * P; o++) buf[o] = pattern(o);
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (fd < 0 || write(fd, buf, sizeof buf) != (long)sizeof buf) { perror(path); return 1; }
  fsync(fd);
  posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);         /* clean pages leave the cache */
  posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM);           /* and no readahead brings them back */
  char *look = mmap(0, NPAGES * P, PROT_READ, MAP_SHARED, fd, 0);
  unsigned char v[NPAGES]; mincore(look, NPAGES * P, v);
  int evictable = 1;
  for (int i = 0; i < NPAGES; i++) if (v[i] & 1) evictable = 0;
  printf("{\"evictable\":%s,", evictable ? "true" : "false");

  pread(fd, buf, 5 * P, 0);                             /* pages 0..4 through read() */
  residency("after_read", look);

  char *priv = mmap(0, NPAGES * P, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  char *shar = mmap(0, NPAGES * P, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  madvise(priv, NPAGES * P, MADV_RANDOM);
  madvise(shar, NPAGES * P, MADV_RANDOM);
  long mn0, mj0, mn1, mj1, mn2, mj2, mn3, mj3;
  faults(&mn0, &mj0);
  volatile char c = priv[0];                            /* cached: a minor fault */
  faults(&mn1, &mj1);
  priv[0] = 'Z';                                        /* copy-on-write */
  faults(&mn2, &mj2);
  c = priv[40 * P];                                     /* not cached: read from the disk */
  faults(&mn3, &mj3);
  (void)c;
  residency("after_fault", look);
  printf("\"faults\":{\"cached_read\":[%ld,%ld],\"cow_write\":[%ld,%ld],\"uncached_read\":[%ld,%ld]},",
         mn1 - mn0, mj1 - mj0, mn2 - mn1, mj2 - mj1, mn3 - mn2, mj3 - mj2);

  unsigned char b0 = 0, b1 = 0;
  pread(fd, &b0, 1, 0);
  int shared0 = shar[0];
  shar[20 * P + 1] = 'S';                               /* shared store: into the cached page */
  int privSees = priv[20 * P + 1];                      /* not copied yet: the same page */
  pread(fd, &b1, 1, 20 * P + 1);
  printf("\"cow\":{\"priv\":%d,\"pread\":%d,\"shared\":%d,\"priv_sees_shared\":%d,\"pread_after_shared\":%d}}\n",
         priv[0], b0, shared0, privSees, b1);
  close(fd);
  unlink(path);
  return 0;
}
