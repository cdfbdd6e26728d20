// Node's Buffer for the web build, as far as the debug session uses it: base64 in and out of
// readMemory/writeMemory. esbuild injects it wherever the bundle names the global `Buffer`.
class Bytes extends Uint8Array {
  override toString(encoding?: string): string {
    if (encoding !== 'base64') return new TextDecoder().decode(this);
    let bin = '';
    for (let i = 0; i < this.length; i += 0x8000) bin += String.fromCharCode(...this.subarray(i, i + 0x8000));
    return btoa(bin);
  }
}

export const Buffer = {
  from(data: ArrayLike<number> | string, encoding?: string): Bytes {
    if (typeof data !== 'string') { const out = new Bytes(data.length); out.set(data); return out; }
    if (encoding !== 'base64') { const b = new TextEncoder().encode(data); const out = new Bytes(b.length); out.set(b); return out; }
    const bin = atob(data);
    const out = new Bytes(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  },
  alloc: (n: number): Bytes => new Bytes(n),
  byteLength: (s: string): number => new TextEncoder().encode(s).length,
  concat(list: Uint8Array[]): Bytes {
    const out = new Bytes(list.reduce((n, b) => n + b.length, 0));
    let at = 0;
    for (const b of list) { out.set(b, at); at += b.length; }
    return out;
  },
};
