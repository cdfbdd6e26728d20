/* The C twin of examples/how2heap/house_of_water.heap: the same program, built with gcc and run on
 * the real glibc 2.36 by test/how2heap/how2heap.test.ts. */
#include "../prelude.h"
#include "../../../examples/how2heap/house_of_water.heap"
