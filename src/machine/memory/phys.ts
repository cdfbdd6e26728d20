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

  // ---- copies for stepping back ------------------------------------------------------------
  // A copy keeps each frame as a read-only 4 KiB block, and a frame whose bytes are the same as
  // in the copy before it shares that copy's block: a snapshot costs what changed since the
  // last one, not the whole memory. Changes are found by comparing bytes, so no write path
  // (MMU, kernel, debugger) has to report them. clone() of live memory makes such a copy;
  // clone() of a copy makes live memory again (which remembers the copy as its base).
  private frozen: Int32Array[] | null = null;
  private base: Int32Array[] | null = null;
  private words: Int32Array[] = [];

  get isCopy(): boolean { return this.frozen !== null; }

  clone(): PhysicalMemory {
    return this.frozen ? this.thaw() : this.freeze();
  }

  private wordsOf(c: number): Int32Array {
    const w = this.words[c];
    if (w && w.buffer === this.chunks[c].buffer) return w;
    return (this.words[c] = new Int32Array(this.chunks[c].buffer));
  }

  private freeze(): PhysicalMemory {
    const base = this.base;
    const frames: Int32Array[] = new Array(this.next);
    const changed: number[] = [];
    for (let f = 0; f < this.next; f++) {
      const live = this.wordsOf(f >>> 8), o = (f & 255) << 10;
      const old = base?.[f];
      if (old && sameWords(old, live, o)) frames[f] = old;
      else changed.push(f);
    }
    // one block per frame, so that a block goes away with the last copy that holds it
    for (const f of changed) {
      const o = (f & 255) << 10;
      frames[f] = this.wordsOf(f >>> 8).slice(o, o + 1024);
    }
    this.base = frames;
    const copy = new PhysicalMemory(this.totalFrames);
    copy.frozen = frames;
    copy.next = this.next; copy.freeList.push(...this.freeList); copy.used = this.used;
    return copy;
  }

  private thaw(): PhysicalMemory {
    const frames = this.frozen!;
    const p = new PhysicalMemory(this.totalFrames);
    for (let f = 0; f < frames.length; f++) {
      const c = f >>> 8;
      if (!p.chunks[c]) {
        const buf = new ArrayBuffer(Math.min(FRAMES_PER_CHUNK, this.totalFrames - c * FRAMES_PER_CHUNK) << FRAME_SHIFT);
        p.chunks[c] = new Uint8Array(buf);
        p.views[c] = new DataView(buf);
      }
      p.wordsOf(c).set(frames[f], (f & 255) << 10);
    }
    p.base = frames;
    p.next = this.next; p.freeList.push(...this.freeList); p.used = this.used;
    return p;
  }
}

function sameWords(a: Int32Array, live: Int32Array, o: number): boolean {
  for (let i = 0; i < 1024; i++) if (a[i] !== live[o + i]) return false;
  return true;
}
