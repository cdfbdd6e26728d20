/* The C twin of examples/how2heap/tcache_metadata_poisoning.heap: the same program, built with gcc and run on
 * the real glibc 2.36 by test/how2heap/how2heap.test.ts. */
#include "../prelude.h"
#include "../../../examples/how2heap/tcache_metadata_poisoning.heap"
