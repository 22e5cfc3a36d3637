import { describe, expect, it } from 'vitest';
import { shippedContent } from '../helpers/assistant.js';

const { understander } = shippedContent();
const u = (text: string, service?: string) => understander.understand(text, { service });

describe('understanding', () => {
  it('finds the service and the aspect inside a long dialect sentence', () => {
    const r = u('بدي اعرف شو الاوراق المطلوبة لرخصة البناء بالزبط');
    expect(r.intent).toBe('service-info');
    expect(r.service).toBe('building-permit');
    expect(r.aspect).toBe('documents');
  });

  it('understands English and Arabizi questions about services', () => {
    expect(u('how much does a building permit cost')).toMatchObject({ service: 'building-permit', aspect: 'fees' });
    expect(u('shu bdi a3mel la ikhraj 2aid').service).toBe('civil-registry-extract');
  });

  it('is robust to typos and missing hamzas', () => {
    expect(u('رخصه بنا').service).toBe('building-permit');
    expect(u('شهاده صحيه شو الاوراق').service).toBe('health-certificate');
    expect(u('كم رسوم براءه الذمه').service).toBe('financial-clearance');
  });

  it('asks which one when several services fit a vague word', () => {
    const r = u('بدي رخصة');
    expect(r.service).toBeNull();
    expect(r.serviceChoices.length).toBeGreaterThan(1);
  });

  it('uses the service under discussion for a bare follow-up', () => {
    const r = u('وكم الرسوم؟', 'building-permit');
    expect(r).toMatchObject({ intent: 'service-info', service: 'building-permit', aspect: 'fees', serviceFromContext: true });
    expect(u('and how long?', 'health-certificate')).toMatchObject({ service: 'health-certificate', aspect: 'duration' });
  });

  it('recognises complaints with their category, and the handoff intents', () => {
    const r = u('في حفرة كبيرة قدام مدرسة الامل بشارع الجمهورية');
    expect(r.intent).toBe('complaint-file');
    expect(r.category).toBe('roads');
    expect(u('بدي احكي مع موظف').intent).toBe('human-agent');
    expect(u('بدي اعترض على قرار المحكمة').intent).toBe('legal-question');
  });

  it('a tracking code means a status check, whatever letters and digits the code happens to have', () => {
    for (const code of ['C-RKPCT-RCJXZ', 'c-7kq2x-m4pr9', 'A-3HJ9K-2WQ8P']) {
      expect(u(code).intent).toBe('status-check');
      expect(u(`status ${code}`).intent).toBe('status-check');
    }
  });

  it('gives every guess a confidence between 0 and 1', () => {
    for (const text of ['مرحبا', 'asdkjh qwe', 'رخصة بناء', '']) {
      const r = u(text);
      expect(r.confidence).toBeGreaterThanOrEqual(0);
      expect(r.confidence).toBeLessThanOrEqual(1);
    }
  });
});

describe('intent before service', () => {
  it('a question about the law stays a legal question when it names a lease, a permit or a licence', () => {
    expect(u('is it legal for my landlord to end the lease contract early without notice?').intent).toBe('legal-question');
    expect(u('بيحقلو صاحب الملك يزيد الاجار بنص عقد الايجار؟').intent).toBe('legal-question');
    expect(u('la mairie a refusé ma licence commerciale sans raison, je peux contester ?').intent).toBe('legal-question');
  });

  it('a cancellation stays a cancellation when it names the complaint or gives its code', () => {
    expect(u('please cancel complaint C-7KQ2X-M4PR9').intent).toBe('cancel');
    expect(u('بدي الغي طلب رخصة البناء تبعي').intent).toBe('cancel');
    // A code alone is still a status check.
    expect(u('C-7KQ2X-M4PR9').intent).toBe('status-check');
  });

  it('papers other authorities issue are out of scope even when they sound like a service', () => {
    expect(u('how do I renew my driving licence?').intent).toBe('out-of-scope');
    expect(u('بدي جدد الباسبور تبعي').intent).toBe('out-of-scope');
    expect(u("je dois refaire ma carte d'identité").intent).toBe('out-of-scope');
  });

  it('offers both readings when a message reads as a handoff and as a service question', () => {
    const r = u('can I object to the building permit fees?');
    expect([r.intent, r.alternative?.intent].sort()).toEqual(['legal-question', 'service-info']);
    expect(r.alternative?.service ?? r.service).toBe('building-permit');
    expect(u('how much does a building permit cost').alternative).toBeNull();
  });

  it('gives high confidence only to clear messages', () => {
    expect(u('how much does a building permit cost').confidence).toBeGreaterThanOrEqual(0.8);
    expect(u('asdkjh qwe').confidence).toBeLessThan(0.8);
  });
});

describe('French and French mixed with Arabic and English', () => {
  it('finds services by their French names, with or without accents, with an aspect', () => {
    expect(u("bonjour, quelles pièces pour l'extrait d'état civil ?")).toMatchObject({ intent: 'service-info', service: 'civil-registry-extract', aspect: 'documents' });
    expect(u('combien coute le permis de construire')).toMatchObject({ intent: 'service-info', service: 'building-permit', aspect: 'fees' });
    expect(u('bjr, bdi certificat de résidence, shu lezem?')).toMatchObject({ intent: 'service-info', service: 'residence-certificate' });
  });

  it('reads French greetings, thanks and farewells as such, not as other intents', () => {
    expect(u('bonjour').intent).toBe('greeting');
    expect(u('merci beaucoup').intent).toBe('thanks');
    expect(u('au revoir, bonne soirée').intent).toBe('goodbye');
  });

  it('files French complaints with their category, and hands French requests for a person to staff', () => {
    expect(u('les poubelles ne sont pas ramassées dans ma rue depuis des jours')).toMatchObject({ intent: 'complaint-file', category: 'waste' });
    expect(u('je voudrais parler à un employé de la mairie').intent).toBe('human-agent');
    expect(u('où en est ma demande de permis de construire ?').intent).toBe('status-check');
  });
});
