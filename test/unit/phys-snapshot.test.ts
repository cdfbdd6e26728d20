// Copies of physical memory for stepping back: each copy reads back exactly as the memory was,
// live memory made from a copy goes on independently, and a frame unchanged since the previous
// copy is shared with it rather than copied again.
import { strict as assert } from 'node:assert';
import { PhysicalMemory } from '../../src/machine/memory/phys';

function fill(p: PhysicalMemory, f: number, seed: number): void {
  const b = p.frame(f);
  for (let i = 0; i < b.length; i += 7) b[i] = (seed * 31 + i) & 0xff;
}
const bytes = (p: PhysicalMemory, f: number): number[] => [...p.frame(f)];

describe('physical memory copies (step back)', () => {
  it('a copy restores the bytes of every frame, and later writes do not reach it', () => {
    const p = new PhysicalMemory(1024);
    const frames = Array.from({ length: 300 }, () => p.alloc());
    frames.forEach((f, i) => fill(p, f, i));
    const want = frames.map((f) => bytes(p, f));
    const copy = p.clone();
    assert.ok(copy.isCopy);
    for (const f of frames) fill(p, f, 999);
    p.free(frames[5]);
    const back = copy.clone();
    assert.ok(!back.isCopy);
    frames.forEach((f, i) => assert.deepEqual(bytes(back, f), want[i], `frame ${f}`));
    assert.equal(back.used, 300);
    // the restored memory is live: it allocates, and a fresh frame is zero
    const g = back.alloc();
    assert.ok(bytes(back, g).every((x) => x === 0));
  });

  it('frames unchanged since the previous copy are shared; changed ones are not', () => {
    const p = new PhysicalMemory(4096);
    const frames = Array.from({ length: 600 }, () => p.alloc());   // more than one 1 MiB host buffer
    frames.forEach((f, i) => fill(p, f, i));
    const a = p.clone();
    p.frame(frames[3])[100] ^= 1;
    p.frame(frames[400])[4095] ^= 1;
    const b = p.clone();
    const fa = (a as unknown as { frozen: Int32Array[] }).frozen, fb = (b as unknown as { frozen: Int32Array[] }).frozen;
    let shared = 0;
    for (const f of frames) if (fa[f] === fb[f]) shared++;
    assert.equal(shared, 598);
    assert.notEqual(fa[frames[3]], fb[frames[3]]);
    // each copy still reads back as it was when made
    const ra = a.clone(), rb = b.clone();
    assert.notEqual(ra.frame(frames[3])[100], rb.frame(frames[3])[100]);
    assert.deepEqual(bytes(ra, frames[7]), bytes(rb, frames[7]));
  });

  it('a copy of memory restored from a copy shares with that copy (a chain of snapshots and step backs)', () => {
    const p0 = new PhysicalMemory(512);
    const frames = Array.from({ length: 50 }, () => p0.alloc());
    frames.forEach((f, i) => fill(p0, f, i));
    const s1 = p0.clone();
    const live = s1.clone();
    live.frame(frames[0])[0] ^= 0xff;
    const s2 = live.clone();
    const f1 = (s1 as unknown as { frozen: Int32Array[] }).frozen, f2 = (s2 as unknown as { frozen: Int32Array[] }).frozen;
    assert.equal(frames.filter((f) => f1[f] === f2[f]).length, 49);
    assert.deepEqual(bytes(s2.clone(), frames[1]), bytes(p0, frames[1]));
    assert.notEqual(s2.clone().frame(frames[0])[0], s1.clone().frame(frames[0])[0]);
  });
});
