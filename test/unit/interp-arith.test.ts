// C integer arithmetic at every width, checked against a bigint model of x86-64's wrap-around
// semantics (the fast paths in doubles must never differ from it).
import { strict as assert } from 'node:assert';
import { binop, cmpop, converter, type Val } from '../../src/machine/interp/arith';

const SHAPES = [
  { size: 1, signed: true }, { size: 1, signed: false }, { size: 2, signed: true }, { size: 2, signed: false },
  { size: 4, signed: true }, { size: 4, signed: false }, { size: 8, signed: true }, { size: 8, signed: false },
] as const;

function wrap(v: bigint, size: number, signed: boolean): bigint {
  return signed ? BigInt.asIntN(size * 8, v) : BigInt.asUintN(size * 8, v);
}
function model(op: string, a: bigint, b: bigint, size: number, signed: boolean): bigint | 'fpe' {
  const bits = BigInt(size * 8);
  switch (op) {
    case '+': return wrap(a + b, size, signed);
    case '-': return wrap(a - b, size, signed);
    case '*': return wrap(a * b, size, signed);
    case '/': if (b === 0n) return 'fpe'; if (signed && size >= 4 && a === -(1n << (bits - 1n)) && b === -1n) return 'fpe'; return wrap(a / b, size, signed);
    case '%': if (b === 0n) return 'fpe'; if (signed && size >= 4 && a === -(1n << (bits - 1n)) && b === -1n) return 'fpe'; return wrap(a % b, size, signed);
    case '&': return wrap(a & b, size, signed);
    case '|': return wrap(a | b, size, signed);
    case '^': return wrap(a ^ b, size, signed);
    case '<<': return wrap(a << (b & (bits - 1n)), size, signed);
    case '>>': return wrap(a >> (b & (bits - 1n)), size, signed);
  }
  throw new Error(op);
}

let seed = 12345n;
function rnd64(): bigint {
  // xorshift64*, itself a good 64-bit exactness test
  seed ^= seed >> 12n; seed ^= BigInt.asUintN(64, seed << 25n); seed ^= seed >> 27n;
  return BigInt.asUintN(64, seed * 2685821657736338717n);
}
function pick(size: number, signed: boolean): bigint {
  const r = rnd64();
  const kind = Number(r & 7n);
  const edges = [0n, 1n, -1n, 2n, (1n << BigInt(size * 8 - 1)) - 1n, -(1n << BigInt(size * 8 - 1)), 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, 4096n, 0x7fffffffn, 0x80000000n];
  let v: bigint;
  if (kind === 0) v = edges[Number((r >> 8n) % BigInt(edges.length))];
  else if (kind < 3) v = (r >> 40n) - (1n << 23n);
  else v = rnd64();
  return wrap(v, size, signed);
}
const toVal = (b: bigint): Val => (b >= -(2n ** 53n - 1n) && b <= 2n ** 53n - 1n ? Number(b) : b);

describe('interp arithmetic: exact C integers', () => {
  for (const s of SHAPES) {
    it(`matches the wrap-around model for ${s.signed ? 'signed' : 'unsigned'} ${s.size * 8}-bit`, () => {
      for (const op of ['+', '-', '*', '/', '%', '&', '|', '^', '<<', '>>']) {
        const fn = binop(op, s);
        for (let i = 0; i < 400; i++) {
          const a = pick(s.size, s.signed), b = op === '<<' || op === '>>' ? BigInt(Number(rnd64() % BigInt(s.size * 8))) : pick(s.size, s.signed);
          const want = model(op, a, b, s.size, s.signed);
          if (want === 'fpe') { assert.throws(() => fn(toVal(a), toVal(b)), /Floating point/); continue; }
          const got = fn(toVal(a), toVal(b));
          assert.equal(typeof got === 'bigint' ? got : BigInt(got), want, `${a} ${op} ${b} (${s.signed ? 'i' : 'u'}${s.size * 8})`);
          // canonical: numbers exactly when safe
          assert.equal(typeof got === 'number', want >= -(2n ** 53n - 1n) && want <= 2n ** 53n - 1n, `canonical form of ${want}`);
        }
      }
    });
  }

  it('xorshift64 in 64-bit unsigned arithmetic comes out as on x86-64', () => {
    const xor = binop('^', { size: 8, signed: false }), shl = binop('<<', { size: 8, signed: false }), shr = binop('>>', { size: 8, signed: false });
    let x: Val = 88172645463325252n;   // not exact as a double
    for (let i = 0; i < 1000; i++) { x = xor(x, shl(x, 13)); x = xor(x, shr(x, 7)); x = xor(x, shl(x, 17)); }
    // what gcc's uint64_t loop prints on this host (printf("0x%lx") after 1000 rounds)
    assert.equal(BigInt(x), 0x12eaead265975125n);
  });

  it('converts between widths as gcc does', () => {
    assert.equal(converter({ size: 1, signed: true })(200), -56);
    assert.equal(converter({ size: 4, signed: false })(-1), 4294967295);
    assert.equal(converter({ size: 8, signed: false })(-1), 18446744073709551615n);
    assert.equal(converter({ size: 8, signed: true })(18446744073709551615n), -1);
    assert.equal(converter({ size: 4, signed: true })(2n ** 63n + 5n), 5);
  });

  it('compares across number and bigint representations', () => {
    assert.equal(cmpop('<')(5, 2n ** 60n), 1);
    assert.equal(cmpop('==')(2n ** 60n, 2n ** 60n), 1);
    assert.equal(cmpop('>=')(-1, 0), 0);
  });
});
