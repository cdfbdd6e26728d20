// The heap map's geometry and drawing, apart from the DOM. The heap is a strip of bytes
// wrapped into rows (`bpp` bytes per pixel, the canvas width per row); only the rows on
// screen are walked, chunks narrower than a pixel merge with their same-coloured neighbours,
// and every colour is filled as one path, so the cost follows the pixels, not the chunks.
import type { Chunk } from '../src/protocol/state';

export enum Paint { Alloc, Tcache, Fastbin, Unsorted, Small, Large, Top, Mmapped, COUNT }

export function paintOf(c: Chunk): Paint {
  if (c.state === 'top') return Paint.Top;
  if (c.state === 'mmapped') return Paint.Mmapped;
  switch (c.bin?.kind) {
    case 'tcache': return Paint.Tcache;
    case 'fastbin': return Paint.Fastbin;
    case 'unsorted': return Paint.Unsorted;
    case 'small': return Paint.Small;
    case 'large': return Paint.Large;
    default: return Paint.Alloc;
  }
}

export interface Geometry {
  bpp: number;          // bytes per CSS pixel
  width: number;        // CSS pixels per row
  height: number;       // CSS pixels of the canvas
  laneH: number;        // the mmapped lane above the heap rows (0 when there is none)
  rowH: number;
  gap: number;
  scrollY: number;      // CSS pixels of heap rows scrolled off the top
}

// Chunks as flat arrays: offsets from the first chunk, sizes and paints.
export interface Strip { offs: Float64Array; sizes: Float64Array; paint: Uint8Array; changed: Uint8Array; span: number }

export function stripOf(chunks: Chunk[]): Strip {
  const n = chunks.length;
  const offs = new Float64Array(n), sizes = new Float64Array(n), paint = new Uint8Array(n), changed = new Uint8Array(n);
  const origin = n ? chunks[0].addr : 0;
  for (let i = 0; i < n; i++) {
    const c = chunks[i];
    offs[i] = c.addr - origin; sizes[i] = Math.max(c.size, 1); paint[i] = paintOf(c); changed[i] = c.changed ? 1 : 0;
  }
  const span = n ? offs[n - 1] + sizes[n - 1] : 0;
  return { offs, sizes, paint, changed, span };
}

export const pitch = (g: Geometry): number => g.rowH + g.gap;
// whole bytes per row, so that row arithmetic on integer offsets is exact
export const bytesPerRow = (g: Geometry): number => Math.max(1, Math.round(g.width * g.bpp));
export const rowCount = (s: Strip, g: Geometry): number => Math.ceil(s.span / bytesPerRow(g));

// first chunk whose end lies beyond `byte`
export function chunkAtOrAfter(s: Strip, byte: number): number {
  let lo = 0, hi = s.offs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (s.offs[mid] + s.sizes[mid] <= byte) lo = mid + 1; else hi = mid;
  }
  return lo;
}

export function chunkAt(s: Strip, byte: number): number {
  const i = chunkAtOrAfter(s, byte);
  return i < s.offs.length && s.offs[i] <= byte ? i : -1;
}

// The point (CSS pixels) where chunk i starts, or null when it is off screen.
export function chunkPoint(s: Strip, g: Geometry, i: number): { x: number; y: number } | null {
  const bpr = bytesPerRow(g);
  const r = Math.floor(s.offs[i] / bpr);
  const y = g.laneH + r * pitch(g) - g.scrollY;
  if (y < g.laneH || y + g.rowH > g.height) return null;
  const x = (s.offs[i] - r * bpr) / g.bpp;
  const w = Math.min(s.sizes[i], (r + 1) * bpr - s.offs[i]) / g.bpp;
  return { x: x + Math.min(w / 2, 2), y: y + g.rowH / 2 };
}

// Rectangles per paint, as [x, y, w, h, ...]; reused between draws.
export class Batches {
  readonly fill: number[][] = Array.from({ length: Paint.COUNT }, () => []);
  readonly header: number[][] = Array.from({ length: Paint.COUNT }, () => []);   // by the paint under them
  readonly changed: number[] = [];
  clear(): void { for (const b of this.fill) b.length = 0; for (const b of this.header) b.length = 0; this.changed.length = 0; }
  get rects(): number { return [...this.fill, ...this.header].reduce((n, b) => n + b.length / 4, 0); }
}

export interface DrawStats { chunks: number; rects: number }

// Walks the visible rows and fills `out`. Pure arithmetic: the benchmark's cost is here and in
// `paint` below.
export function layoutVisible(s: Strip, g: Geometry, out: Batches): number {
  out.clear();
  const bpr = bytesPerRow(g), p = pitch(g);
  const r0 = Math.max(0, Math.floor(g.scrollY / p));
  const r1 = Math.floor((g.scrollY + g.height - g.laneH) / p);
  const lo = r0 * bpr, hi = (r1 + 1) * bpr;
  const headerPx = 16 / g.bpp;
  let i = chunkAtOrAfter(s, lo), n = 0;
  for (; i < s.offs.length && s.offs[i] < hi; i++, n++) {
    const off = s.offs[i], end = off + s.sizes[i];
    const bucket = out.fill[s.paint[i]];
    let a = Math.max(off, lo);
    const b = Math.min(end, hi);
    let first = a === off;
    while (a < b) {
      const r = Math.floor(a / bpr);
      const e = Math.min(b, (r + 1) * bpr);
      if (!(e > a)) break;     // never spin on a row boundary that rounding put behind us
      let x0 = (a - r * bpr) / g.bpp;
      const x1 = (e - r * bpr) / g.bpp;
      const y = g.laneH + r * p - g.scrollY;
      if (first && x1 - x0 >= 3) {
        // a one-pixel seam between chunks wide enough to show one
        x0 += 1;
        if (x1 - x0 >= 6) out.header[s.paint[i]].push(x0, y, Math.min(headerPx, x1 - x0), g.rowH);
        if (s.changed[i]) out.changed.push(x0, y, x1 - x0, g.rowH);
      } else if (first && s.changed[i]) out.changed.push(x0, y, Math.max(1, x1 - x0), g.rowH);
      const k = bucket.length;
      if (k && bucket[k - 3] === y && x0 <= bucket[k - 4] + bucket[k - 2] + 0.5) bucket[k - 2] = x1 - bucket[k - 4];
      else bucket.push(x0, y, Math.max(x1 - x0, 0.5), g.rowH);
      first = false;
      a = e;
    }
  }
  return n;
}

// Fills the rectangles straight into pixels: Skia rasterising tens of thousands of path
// rectangles took 200 ms for a 100,000-chunk heap, a typed-array fill per pixel row takes a
// few. Colours are 0xAABBGGRR (ImageData's byte order on little-endian machines).
export class PixelPainter {
  private img: ImageData | null = null;
  private buf: Uint32Array = new Uint32Array(0);

  paint(ctx: CanvasRenderingContext2D, out: Batches, fill: number[], header: number[], dpr: number, clipTop: number): void {
    const W = ctx.canvas.width, H = ctx.canvas.height;
    if (!this.img || this.img.width !== W || this.img.height !== H) {
      this.img = ctx.createImageData(W, H);
      this.buf = new Uint32Array(this.img.data.buffer);
    }
    const buf = this.buf;
    buf.fill(0);
    const top = Math.round(clipTop * dpr);
    const rects = (b: number[], colour: number) => {
      for (let j = 0; j < b.length; j += 4) {
        let x0 = Math.round(b[j] * dpr), x1 = Math.round((b[j] + b[j + 2]) * dpr);
        if (x1 <= x0) x1 = x0 + 1;
        if (x0 < 0) x0 = 0;
        if (x1 > W) x1 = W;
        const y0 = Math.max(top, Math.round(b[j + 1] * dpr)), y1 = Math.min(H, Math.round((b[j + 1] + b[j + 3]) * dpr));
        for (let y = y0; y < y1; y++) buf.fill(colour, y * W + x0, y * W + x1);
      }
    };
    for (let k = 0; k < out.fill.length; k++) rects(out.fill[k], fill[k]);
    for (let k = 0; k < out.header.length; k++) rects(out.header[k], header[k]);
    ctx.putImageData(this.img, 0, 0);
  }
}

export function strokeChanged(ctx: CanvasRenderingContext2D, out: Batches, colour: string): void {
  if (!out.changed.length) return;
  ctx.strokeStyle = colour;
  ctx.lineWidth = 2;
  ctx.beginPath();
  const c = out.changed;
  for (let j = 0; j < c.length; j += 4) ctx.rect(c[j] + 1, c[j + 1] + 1, Math.max(c[j + 2] - 2, 1), c[j + 3] - 2);
  ctx.stroke();
}

// CSS colour -> 0xAABBGGRR, by letting the canvas parse it
export function rgba(ctx: CanvasRenderingContext2D, css: string): [number, number, number, number] {
  ctx.save();
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, 1, 1);
  ctx.fillStyle = css;
  ctx.fillRect(0, 0, 1, 1);
  const d = ctx.getImageData(0, 0, 1, 1).data;
  ctx.restore();
  return [d[0], d[1], d[2], d[3]];
}

export const packed = (c: [number, number, number, number]): number => ((c[3] << 24) | (c[2] << 16) | (c[1] << 8) | c[0]) >>> 0;

export function blend(a: [number, number, number, number], b: [number, number, number, number], t: number): [number, number, number, number] {
  return [0, 1, 2, 3].map((i) => Math.round(a[i] * (1 - t) + b[i] * t)) as [number, number, number, number];
}
