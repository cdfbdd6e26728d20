/* What a .heap scenario can call that plain C spells differently: the program break, and
 * an unbuffered stdout (so that printing allocates nothing and the heap stays identical). */
#define _GNU_SOURCE
#include <assert.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#define brk_now() ((char *)sbrk(0))
__attribute__((constructor)) static void heapstep_unbuffered(void) { setvbuf(stdout, NULL, _IONBF, 0); }
