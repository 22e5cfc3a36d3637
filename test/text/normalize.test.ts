import { describe, expect, it } from 'vitest';
import { detectLanguage, isArabizi } from '../../src/text/language.js';
import { asciiDigits, cleanInput, normalize, stem } from '../../src/text/normalize.js';

describe('Arabic normalisation', () => {
  it('folds alef and hamza forms, taa marbuta and alef maqsura', () => {
    expect(normalize('أإآٱ')).toBe('اااا');
    expect(normalize('مسؤول رئيس')).toBe('مسوول رييس');
    expect(normalize('رخصة')).toBe(normalize('رخصه'));
    expect(normalize('مستشفى')).toBe('مستشفي');
  });

  it('drops diacritics and tatweel and shortens letters stretched for emphasis', () => {
    expect(normalize('رُخْصَةُ')).toBe('رخصه');
    expect(normalize('شكـــــراً')).toBe('شكرا');
    expect(normalize('كتيييييير')).toBe('كتير');
    expect(normalize('pleeeease')).toBe('please');
  });

  it('reads Arabic-Indic and Persian digits as ASCII digits', () => {
    expect(asciiDigits('٠١٢٣٤٥٦٧٨٩')).toBe('0123456789');
    expect(asciiDigits('۰۱۲۳۴۵۶۷۸۹')).toBe('0123456789');
    expect(normalize('الطلب رقم ٤٥')).toBe('الطلب رقم 45');
  });

  it('maps Persian and Urdu letter variants to Arabic ones', () => {
    expect(normalize('کهرباء یا')).toBe(normalize('كهرباء يا'));
    expect(normalize('گ')).toBe('ك');
  });

  it('turns punctuation and emoji into word breaks', () => {
    expect(normalize('مرحبا!!! 😀👍 كيفك؟؟')).toBe('مرحبا كيفك');
    expect(normalize('🙂🙂')).toBe('');
  });

  it('keeps the lone hamza so "ماء" (water) is not the particle "ما"', () => {
    expect(normalize('ماء')).not.toBe(normalize('ما'));
  });

  it('removes control characters and broken surrogates but keeps text', () => {
    expect(cleanInput('a\u0000b\u0007c')).toBe('abc');
    expect(cleanInput('x\uD800y')).toBe('xy');
    expect(cleanInput('مرحبا \u202Eعكس')).toBe('مرحبا عكس');
  });

  it('strips common clitics with light stemming', () => {
    expect(stem('بالرخصه')).toBe('رخص');
    expect(stem('والرسوم')).toBe('رسوم');
  });
});

describe('language detection', () => {
  it('answers Arabic script and Arabizi in Arabic, plain English in English', () => {
    expect(detectLanguage('شو الاوراق المطلوبة')).toBe('ar');
    expect(detectLanguage('bdi a3ref shu el awra2')).toBe('ar');
    expect(detectLanguage('what documents do I need')).toBe('en');
    expect(detectLanguage('👍')).toBeUndefined();
    expect(isArabizi('marhaba kifak')).toBe(true);
    expect(isArabizi('hello how are you')).toBe(false);
  });
});
