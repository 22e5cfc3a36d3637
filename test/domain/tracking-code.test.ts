import { describe, expect, it } from 'vitest';
import { CODE_ALPHABET, codeShaped, findTrackingCode, newTrackingCode, parseTrackingCode } from '../../src/domain/tracking-code.js';

const ARABIC_DIGITS = '٠١٢٣٤٥٦٧٨٩';
const arabicDigits = (s: string) => s.replace(/[0-9]/g, (d) => ARABIC_DIGITS[Number(d)]);
const compact = (code: string) => code.replace(/-/g, '');

describe('tracking codes', () => {
  it('a complaint code starts with C, an application code with A, a suggestion reference with S', () => {
    expect(newTrackingCode('complaint')).toMatch(/^C-[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    expect(newTrackingCode('application')).toMatch(/^A-/);
    expect(newTrackingCode('suggestion')).toMatch(/^S-/);
  });

  it('codes use no look-alike characters: no O, I, L, U or V', () => {
    for (let i = 0; i < 200; i++) expect(compact(newTrackingCode('complaint')).slice(1)).not.toMatch(/[OILUV]/);
    expect(CODE_ALPHABET).toHaveLength(31);
  });

  it('a code typed in lower case, with Arabic-Indic digits and spaces reads back as the printed code', () => {
    for (let i = 0; i < 50; i++) {
      const code = newTrackingCode('complaint');
      const typed = arabicDigits(code.toLowerCase()).replace(/-/g, ' ');
      expect(parseTrackingCode(typed)).toEqual({ ok: true, code, kind: 'complaint' });
    }
  });

  it('Persian digits, missing dashes and a forgotten kind letter are all accepted', () => {
    const code = newTrackingCode('application');
    const persian = compact(code).slice(1).replace(/[0-9]/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]);
    expect(parseTrackingCode(persian)).toEqual({ ok: true, code, kind: 'application' });
  });

  it('the letter O is read as zero and I or L as one', () => {
    let code = newTrackingCode('complaint');
    while (!/[01]/.test(code.slice(1))) code = newTrackingCode('complaint');
    const typed = code[0] + code.slice(1).replace(/0/g, 'o').replace(/1/g, 'l');
    expect(parseTrackingCode(typed)).toMatchObject({ ok: true, code });
  });

  it('every single mistyped character is caught as a typo', () => {
    for (let n = 0; n < 20; n++) {
      const code = compact(newTrackingCode('complaint'));
      for (let i = 1; i < code.length; i++) {
        for (const c of CODE_ALPHABET) {
          if (c === code[i]) continue;
          const typed = code.slice(0, i) + c + code.slice(i + 1);
          expect(parseTrackingCode(typed)).toEqual({ ok: false, problem: 'typo' });
        }
      }
    }
  });

  it('two neighbouring characters swapped are caught as a typo', () => {
    for (let n = 0; n < 200; n++) {
      const code = compact(newTrackingCode('application'));
      for (let i = 1; i < code.length - 1; i++) {
        if (code[i] === code[i + 1]) continue;
        const swapped = code.slice(0, i) + code[i + 1] + code[i] + code.slice(i + 2);
        expect(parseTrackingCode(swapped)).toEqual({ ok: false, problem: 'typo' });
      }
    }
  });

  it('a complaint code with its kind letter changed to A is not accepted as an application', () => {
    const code = newTrackingCode('complaint');
    expect(parseTrackingCode(`A${code.slice(1)}`)).toEqual({ ok: false, problem: 'typo' });
  });

  it('codes are random, not a sequence: a thousand codes are all different and share no common prefix', () => {
    const codes = Array.from({ length: 1000 }, () => compact(newTrackingCode('complaint')));
    expect(new Set(codes).size).toBe(1000);
    const sorted = [...codes].sort();
    // Consecutive codes in sorted order would share long prefixes if they were counted up.
    const firstSymbols = new Set(codes.map((c) => c[1]));
    expect(firstSymbols.size).toBeGreaterThan(25);
    expect(sorted[0].slice(0, 4)).not.toBe(sorted[999].slice(0, 4));
  });

  it('wrong length, foreign characters and an unknown kind letter are told apart', () => {
    expect(parseTrackingCode('')).toEqual({ ok: false, problem: 'empty' });
    expect(parseTrackingCode('C-12345')).toEqual({ ok: false, problem: 'length' });
    expect(parseTrackingCode('C-1234!-ABCDE')).toEqual({ ok: false, problem: 'characters' });
    expect(parseTrackingCode('X-12345-ABCDE')).toEqual({ ok: false, problem: 'kind' });
    expect(parseTrackingCode('C-UUUUU-VVVVV')).toEqual({ ok: false, problem: 'characters' });
  });

  it('a code is found inside a sentence in Arabic', () => {
    const code = newTrackingCode('complaint');
    const sentence = `السلام عليكم وين وصلت شكوتي رقم ${arabicDigits(code.toLowerCase())} ؟`;
    expect(findTrackingCode(sentence)).toEqual({ ok: true, code, kind: 'complaint' });
    expect(findTrackingCode('what is the status of my complaint please')).toEqual({ ok: false, problem: 'empty' });
  });

  it('a code with no digit, typed alone in lower case with spaces, is still a code (CI met one: "c wgcqh zsrkn")', () => {
    expect(codeShaped('c tbqkr ertxc')).toEqual(['c tbqkr ertxc']);
    expect(parseTrackingCode('c tbqkr ertxc')).toEqual({ ok: true, code: 'C-TBQKR-ERTXC', kind: 'complaint' });
    // Ordinary words of that shape are not, unless the check character happens to hold.
    expect(codeShaped('c hello world')).toEqual([]);
    expect(codeShaped('please check c tbqkr ertxc')).toEqual([]);
  });
});
