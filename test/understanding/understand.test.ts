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
