// The real glibc on this host, built and run now, so ratios compare like with like.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

export async function run(): Promise<Record<string, number>> {
  mkdirSync('bench/build', { recursive: true });
  execFileSync('gcc', ['-O2', '-o', 'bench/build/malloc_pairs', 'bench/native/malloc_pairs.c']);
  let best = { pair_ns: Infinity, live_ns: Infinity };
  for (let i = 0; i < 3; i++) {
    const r = JSON.parse(execFileSync('bench/build/malloc_pairs', ['2000000', '2000000'], { encoding: 'utf8', env: {} }));
    best = { pair_ns: Math.min(best.pair_ns, r.pair_ns), live_ns: Math.min(best.live_ns, r.live_ns) };
  }
  return { 'native glibc ns per malloc+free pair': best.pair_ns, 'native glibc ns per replace, 10,000 live': best.live_ns };
}
