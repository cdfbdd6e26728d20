// The classic scenarios of the seeds, as traces.
export const TEXTBOOK: Record<string, string> = {
  'malloc(1) grows the heap by 132 KiB': 'malloc 0 1\n',
  'free puts a small chunk in tcache and malloc gets it back': 'malloc 0 24\nfree 0\nmalloc 1 24\n',
  'the first malloc(128 KiB) comes from the brk heap': 'malloc 0 131072\n',
  'a 128 KiB malloc once top is used up is mmapped, and free unmaps it': 'malloc 0 100000\nmalloc 1 131072\nfree 1\nmalloc 2 131072\n',
  'freeing a 200 KiB mmapped chunk raises the threshold': 'malloc 0 204800\nfree 0\nmalloc 1 204800\n',
  'freed brk memory stays until malloc_trim': 'malloc 0 100000\nmalloc 1 16\nfree 0\ntrim 0\n',
  'fragmentation 10k/20k/30k': 'malloc 0 10240\nmalloc 1 20480\nmalloc 2 30720\nfree 0\nfree 1\nmalloc 3 30721\nmalloc 4 25000\n',
  'mallopt(M_MMAP_THRESHOLD) changes the decision': 'mallopt -3 4096\nmalloc 0 8192\nmalloc 1 4000\nfree 0\n',
  'eight frees: seven to tcache, the eighth to a fastbin': 'malloc 0 24\nmalloc 1 24\nmalloc 2 24\nmalloc 3 24\nmalloc 4 24\nmalloc 5 24\nmalloc 6 24\nmalloc 7 24\nmalloc 8 24\nfree 0\nfree 1\nfree 2\nfree 3\nfree 4\nfree 5\nfree 6\nfree 7\nmalloc 9 2000\n',
  'unsorted, small and large bins': 'malloc 0 1100\nmalloc 1 24\nmalloc 2 1500\nmalloc 3 24\nmalloc 4 200\nmalloc 5 24\nfree 0\nfree 2\nmalloc 6 3000\nfree 4\nmalloc 7 24\nmalloc 8 1050\n',
  'calloc clears only what is not fresh': 'malloc 0 5000\nfree 0\ncalloc 1 1 6000\ncalloc 2 10 100\n',
  'realloc grows in place into top, then moves': 'malloc 0 100\nrealloc 0 0 400\nmalloc 1 24\nrealloc 0 0 900\nrealloc 0 0 0\n',
  'huge requests fail with ENOMEM': 'malloc 0 18446744073709551615\nmalloc 1 9223372036854775807\ncalloc 2 4294967296 4294967296\n',
};
