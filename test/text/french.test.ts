import { describe, expect, it } from 'vitest';
import { foldAccents, frenchSpellings, normalize } from '../../src/text/normalize.js';
import { detectLanguage, isFrench } from '../../src/text/language.js';
import { stems } from '../../src/understanding/features.js';
import { shippedContent } from '../helpers/assistant.js';

describe('French as citizens type it', () => {
  it('folds accents and ligatures, and leaves Arabic alone', () => {
    expect(foldAccents("Extrait d'état civil, ça coûte combien ? Œuvre")).toBe("Extrait d'etat civil, ca coute combien ? OEuvre");
    expect(normalize('Légalisation à la Mairie')).toBe('legalisation a la mairie');
    expect(normalize('شهادة سكن é')).toBe('شهاده سكن e');
  });

  it('writes out chat shorthand, but not Arabizi words that look like it', () => {
    expect(frenchSpellings('bjr stp un rdv')).toBe('bonjour s il te plait un rendez vous');
    expect(stems('Mrc bcp')).toEqual(['merci', 'beaucoup']);
    expect(frenchSpellings('ya 3ammi kel yom')).toBe('ya 3ammi kel yom');
    expect(frenchSpellings(normalize('Bonjoure, jvoudrais un rdv svpl'))).toBe('bonjour je voudrais un rendez vous s il vous plait');
    expect(frenchSpellings(normalize('Mercieee dsl'))).toBe('merci desole');
  });

  it('recognises French, alone or mixed with English, but not Arabizi or English', () => {
    expect(isFrench('bonjour, je voudrais un extrait de naissance svp')).toBe(true);
    expect(isFrench("Où se trouve la mairie ?")).toBe(true);
    expect(isFrench('what documents do I need for a building permit')).toBe(false);
    expect(isFrench('bdi ikhraj 2ayd shu lezem jib')).toBe(false);
    expect(isFrench('بدي رخصة بناء')).toBe(false);
  });
});

describe('the reply language of French writers', () => {
  it('is French for French, Arabic when the French only decorates Arabizi or Arabic', () => {
    expect(detectLanguage('bonjour, ma demande de permis de construire est prête ?')).toBe('fr');
    expect(detectLanguage('merci beaucoup')).toBe('fr');
    expect(detectLanguage('Bjr stp')).toBe('fr');
    expect(detectLanguage('je voudrais un extrait d etat civil')).toBe('fr');
    expect(detectLanguage('français svp')).toBe('fr');
    expect(detectLanguage('en français')).toBe('fr');
    expect(detectLanguage('bonjour, bdi a3ref shu lezem la ikhraj 2ayd')).toBe('ar');
    expect(detectLanguage('bonjour, بدي اخراج قيد')).toBe('ar');
  });

  it('is English for English, even with a French word or an accented loan word in it', () => {
    expect(detectLanguage('what documents do I need for a building permit')).toBe('en');
    expect(detectLanguage('the café next door is too loud at night')).toBe('en');
    expect(detectLanguage('is the mairie open today')).toBe('en');
    expect(detectLanguage('ok')).toBe('en');
  });
});

describe('French citizens are understood with or without accents, and in Lebanese spellings', () => {
  // Built once: the shipped catalog and its learned model.
  const { understander } = shippedContent();
  const read = (t: string) => { const u = understander.understand(t); return `${u.intent} ${u.service ?? '-'}`; };

  it('reads the same request the same way with accents folded', () => {
    expect(read("quels documents pour un extrait d'état civil ?")).toBe('service-info civil-registry-extract');
    expect(read('quels documents pour un extrait d etat civil')).toBe('service-info civil-registry-extract');
    expect(read('combien coute le permis de demolir')).toBe(read('combien coûte le permis de démolir'));
  });

  it('reads chat shorthand and French mixed with Arabizi or Arabic', () => {
    expect(read('bjr')).toBe('greeting -');
    expect(read('mrc bcp')).toBe('thanks -');
    expect(read('jvoudrais un rdv svpl')).toMatch(/^appointment-book/);
    expect(read('bdi certificat de résidence, shu lezem ?')).toBe('service-info residence-certificate');
    expect(read('بدي extrait de naissance')).toBe('service-info civil-registry-extract');
  });
});
