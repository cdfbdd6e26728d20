/* The native side of the allocator benchmark: the same workloads as bench/glibc.bench.ts,
   on the host's real glibc. Prints JSON: ns per malloc+free pair (random sizes 16..512), and
   ns per replace step with a live set of 10,000 objects. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static uint64_t state = 0x9e3779b97f4a7c15ULL;
static inline uint64_t next(void) {          /* xorshift64 */
  state ^= state << 13; state ^= state >> 7; state ^= state << 17; return state;
}
static double now_ns(void) {
  struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e9 + t.tv_nsec;
}

int main(int argc, char **argv) {
  long pairs = argc > 1 ? atol(argv[1]) : 2000000;
  long steps = argc > 2 ? atol(argv[2]) : 2000000;
  volatile uintptr_t sink = 0;
  double t0 = now_ns();
  for (long i = 0; i < pairs; i++) {
    void *p = malloc(16 + next() % 497);
    sink ^= (uintptr_t)p;
    free(p);
  }
  double pair_ns = (now_ns() - t0) / pairs;

  enum { LIVE = 10000 };
  static void *live[LIVE];
  for (int i = 0; i < LIVE; i++) live[i] = malloc(16 + next() % 497);
  t0 = now_ns();
  for (long i = 0; i < steps; i++) {
    uint64_t k = next() % LIVE;
    free(live[k]);
    live[k] = malloc(16 + next() % 497);
    sink ^= (uintptr_t)live[k];
  }
  double live_ns = (now_ns() - t0) / steps;
  printf("{\"pair_ns\": %.2f, \"live_ns\": %.2f}\n", pair_ns, live_ns);
  return (int)(sink & 0);
}
