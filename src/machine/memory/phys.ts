// Physical memory: 4 KiB frames handed out on demand. Frames live in 1 MiB host buffers
// allocated only when a frame in them is first used, so the host pays for what the emulated
// machine touched (plus at most one partly used buffer), never for the RAM size it claims.
export const FRAME_SHIFT = 12;
export const FRAME_SIZE = 4096;
const FRAMES_PER_CHUNK = 256;            // 1 MiB

export class PhysicalMemory {
  readonly chunks: Uint8Array[] = [];
  readonly views: DataView[] = [];
  private next = 0;                      // frames never handed out start here
  private readonly freeList: number[] = [];
  used = 0;

  constructor(readonly totalFrames: number) {}

  get freeFrames(): number { return this.totalFrames - this.used; }

  // A zero-filled frame, or -1 when physical memory is exhausted (the caller reclaims).
  alloc(): number {
    let f: number;
    if (this.freeList.length) {
      f = this.freeList.pop()!;
      this.chunks[f >>> 8].fill(0, (f & 255) << FRAME_SHIFT, ((f & 255) + 1) << FRAME_SHIFT);
    } else {
      if (this.next >= this.totalFrames) return -1;
      f = this.next++;
      const c = f >>> 8;
      if (!this.chunks[c]) {
        const frames = Math.min(FRAMES_PER_CHUNK, this.totalFrames - c * FRAMES_PER_CHUNK);
        const buf = new ArrayBuffer(frames << FRAME_SHIFT);
        this.chunks[c] = new Uint8Array(buf);
        this.views[c] = new DataView(buf);
      }
    }
    this.used++;
    return f;
  }

  free(f: number): void {
    this.freeList.push(f);
    this.used--;
  }

  // The bytes of frame f (a view; valid until the frame is freed).
  frame(f: number): Uint8Array {
    const off = (f & 255) << FRAME_SHIFT;
    return this.chunks[f >>> 8].subarray(off, off + FRAME_SIZE);
  }

  // Host bytes held for emulated RAM.
  hostBytes(): number {
    let n = 0;
    for (const c of this.chunks) if (c) n += c.byteLength;
    return n;
  }

  clone(): PhysicalMemory {
    const p = new PhysicalMemory(this.totalFrames);
    this.chunks.forEach((c, i) => { if (c) { const b = c.slice(); p.chunks[i] = b; p.views[i] = new DataView(b.buffer); } });
    p.next = this.next; p.freeList.push(...this.freeList); p.used = this.used;
    return p;
  }
}
