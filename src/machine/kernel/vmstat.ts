// The node's event counters (/proc/vmstat) and its zone watermarks, derived from RAM as
// mm/page_alloc.c derives them.

export interface VmEvents {
  pgpgin: number; pgpgout: number;       // pages read from / written to the disk
  pswpin: number; pswpout: number;
  pgscan_kswapd: number; pgscan_direct: number;
  pgsteal_kswapd: number; pgsteal_direct: number;
  pgactivate: number; pgdeactivate: number;
  allocstall: number;                    // allocations that had to reclaim themselves
  kswapd_wakeups: number;                // pageoutrun in Linux
  nr_dirtied: number; nr_written: number;
  oom_kill: number;
}

export const zeroEvents = (): VmEvents => ({
  pgpgin: 0, pgpgout: 0, pswpin: 0, pswpout: 0, pgscan_kswapd: 0, pgscan_direct: 0,
  pgsteal_kswapd: 0, pgsteal_direct: 0, pgactivate: 0, pgdeactivate: 0, allocstall: 0, kswapd_wakeups: 0,
  nr_dirtied: 0, nr_written: 0, oom_kill: 0,
});

export interface Watermarks { min: number; low: number; high: number }   // in pages

// calculate_min_free_kbytes: sqrt(lowmem_kbytes * 16), clamped to [128, 262144] KiB; then
// __setup_per_zone_wmarks with watermark_scale_factor 10: the gap between the marks is the
// larger of min/4 and 0.1% of the zone (on a machine under ~2 GiB that is min/4, so low is
// min*5/4 and high min*3/2).
export function watermarks(totalPages: number): Watermarks {
  const kbytes = totalPages * 4;
  const minFreeKb = Math.min(262144, Math.max(128, Math.floor(Math.sqrt(kbytes * 16))));
  const min = minFreeKb >> 2;
  const gap = Math.max(min >> 2, Math.floor(totalPages * 10 / 10000));
  return { min, low: min + gap, high: min + 2 * gap };
}
