import { NKI_MIN_ANSWERS, nkiFigure, nkiScore, tQuantile975 } from './nki.js';

function aggregate(scores: number[]) {
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  const sd = Math.sqrt(scores.reduce((a, s) => a + (s - mean) ** 2, 0) / (scores.length - 1));
  return [scores.length, mean, sd] as const;
}

describe('Nöjd-Kund-Index', () => {
  it('rescales 1–10 to 0–100 and weighs the three questions equally', () => {
    expect(nkiScore({ overall: 1, expectations: 1, ideal: 1 })).toBe(0);
    expect(nkiScore({ overall: 10, expectations: 10, ideal: 10 })).toBe(100);
    expect(nkiScore({ overall: 10, expectations: 1, ideal: 1 })).toBeCloseTo(33.33, 2);
    expect(nkiScore({ overall: 8, expectations: 7, ideal: 6 })).toBeCloseTo(66.67, 2);
  });

  it('suppresses the index below five answers, but says how many there were', () => {
    expect(NKI_MIN_ANSWERS).toBe(5);
    expect(nkiFigure(4, 80, 10)).toEqual({ answers: 4, suppressed: true, nki: null, ciLow: null, ciHigh: null });
    expect(nkiFigure(0, null, null).suppressed).toBe(true);
    expect(nkiFigure(5, 80, 10).suppressed).toBe(false);
  });

  it('gives a 95 % interval by Student’s t: wide for few answers, near ±1.96·s/√n for many', () => {
    const few = nkiFigure(...aggregate([100, 88.9, 77.8, 66.7, 55.6]));
    // mean 77.8, s 17.57, t(4) 2.776 → ±21.8
    expect(few).toEqual({ answers: 5, suppressed: false, nki: 77.8, ciLow: 56, ciHigh: 99.6 });
    const many = nkiFigure(400, 70, 20);
    expect(many.ciLow).toBe(68);
    expect(many.ciHigh).toBe(72);
    expect(tQuantile975(22)).toBe(2.086);
    expect(tQuantile975(1000)).toBe(1.96);
  });

  it('keeps the interval within 0–100 and is exact when everyone answered alike', () => {
    expect(nkiFigure(6, 95, 10)).toMatchObject({ ciHigh: 100 });
    expect(nkiFigure(5, 100, 0)).toMatchObject({ nki: 100, ciLow: 100, ciHigh: 100 });
  });
});
