import { encodeQr, formatBits, reedSolomonRemainder } from './qr-code.js';

describe('the QR code encoder', () => {
  it('computes the error correction codewords of the standard’s worked example (1-M, HELLO WORLD)', () => {
    const data = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17];
    expect(reedSolomonRemainder(data, 10)).toEqual([196, 35, 39, 119, 235, 215, 231, 226, 93, 23]);
  });

  it('writes the format information of level L as the standard’s table has it', () => {
    expect(formatBits(0).toString(2).padStart(15, '0')).toBe('111011111000100');
    expect(formatBits(6).toString(2).padStart(15, '0')).toBe('110110001000001');
    expect(formatBits(7).toString(2).padStart(15, '0')).toBe('110100101110110');
  });

  it('takes the smallest version that holds a signing URL, with its finder patterns in three corners', () => {
    const url = `http://127.0.0.1:3300/app?t=${'0'.repeat(36)}&s=12&c=${'a'.repeat(64)}`;
    const modules = encodeQr(url);
    // 139 bytes: version 7 holds 154 in byte mode at level L, version 6 only 134
    expect(modules).toHaveLength(7 * 4 + 17);
    const size = modules.length;
    const finderRow = [true, true, true, true, true, true, true, false];
    expect(modules[0]!.slice(0, 8)).toEqual(finderRow);
    expect(modules[0]!.slice(size - 8).reverse()).toEqual(finderRow);
    expect(modules[size - 1]!.slice(0, 8)).toEqual(finderRow);
    expect(modules[size - 8]![8]).toBe(true);
    expect(encodeQr('x')).toHaveLength(21);
  });
});
