import { describe, expect, it } from 'vitest';
import { CountForms } from '../../src/content/schema.js';
import { countOf, pluralCategory } from '../../src/text/numbers.js';
import { shippedContent } from '../helpers/assistant.js';

// Counted words in replies follow each language's own plural rules (CLDR, as Intl.PluralRules knows them).

const { counts, municipality } = shippedContent().content;

describe('counting in French', () => {
  it('says 0 and 1 in the singular and 2 or more in the plural', () => {
    expect([0, 1, 2, 3, 21].map((n) => countOf('fr', n, counts.day.fr))).toEqual(['0 jour', '1 jour', '2 jours', '3 jours', '21 jours']);
    expect(countOf('fr', 0, counts.photo.fr)).toBe('0 photo');
    expect(countOf('fr', 1, counts.document.fr)).toBe('1 document');
    expect(countOf('fr', 5, counts.minute.fr)).toBe('5 minutes');
    expect(countOf('fr', 0, municipality.currency.forms!.fr)).toBe('0 dinar libyen');
    expect(countOf('fr', 250, municipality.currency.forms!.fr)).toBe('250 dinars libyens');
  });

  it('agrees with Intl.PluralRules for French, and a million (CLDR "many") takes the plural', () => {
    const fr = new Intl.PluralRules('fr');
    for (const n of [0, 1, 1.5, 2, 10, 100]) expect(pluralCategory('fr', n)).toBe(fr.select(n));
    expect(pluralCategory('fr', 1_000_000)).toBe('other');
    expect(countOf('fr', 1_000_000, counts.day.fr)).toBe('1000000 jours');
  });

  it('a French count written without {n} in its singular is refused at load', () => {
    const parsed = CountForms.safeParse({
      ar: counts.day.ar, en: counts.day.en, fr: { one: '1 jour', other: '{n} jours' },
    });
    expect(parsed.success).toBe(false);
  });

  it('a municipality without French texts counts French in English, and 0 is then plural', () => {
    const forms = CountForms.parse({ ar: counts.day.ar, en: counts.day.en });
    expect([0, 1, 2].map((n) => countOf('fr', n, forms.fr))).toEqual(['0 days', '1 day', '2 days']);
  });
});

describe('counting in Arabic and English', () => {
  it('Arabic has one, two, few (3–10), many (11–99) and other (0, 100–102)', () => {
    expect([0, 1, 2, 3, 10, 11, 99, 100, 102, 103].map((n) => countOf('ar', n, counts.day.ar)))
      .toEqual(['0 يوم', 'يوم واحد', 'يومان', '3 أيام', '10 أيام', '11 يوماً', '99 يوماً', '100 يوم', '102 يوم', '103 أيام']);
  });

  it('English says only 1 in the singular', () => {
    expect([0, 1, 2].map((n) => countOf('en', n, counts.day.en))).toEqual(['0 days', '1 day', '2 days']);
  });
});
