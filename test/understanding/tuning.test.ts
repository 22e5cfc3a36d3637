import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadContent } from '../../src/content/load.js';
import { Understander, type Context, type Understanding } from '../../src/understanding/understand.js';
import { TUNING, tuned, type Tuning } from '../../src/understanding/tuning.js';

// Every value of the Tuning, pinned: a sentence (from the development sets, or written here) whose reading changes
// when the value moves as shown. A failure here means a threshold was changed: look again at what it does.
// Candidates come from `npx tsx scripts/pin-tuning.ts`. (The respond values are pinned in the kernel's tests:
// test/conversation/tuning-respond.test.ts.)
const root = path.resolve(import.meta.dirname, '../..');
const content = loadContent(path.join(root, 'knowledge'), path.join(root, 'intents'));
const shipped = new Understander(content);

type Field = 'intent' | 'service' | 'category' | 'choices' | 'alternative' | 'sure' | 'understood';
const read = (u: Understanding, field: Field): string | boolean | null => {
  switch (field) {
    case 'choices': return u.serviceChoices.join(',');
    case 'alternative': return u.alternative?.intent ?? null;
    case 'sure': return u.confidence >= 0.8;
    case 'understood': return u.confidence >= TUNING.respond.minConfidence;
    default: return u[field];
  }
};

interface Pin { moved: { [K in keyof Tuning]?: Partial<Tuning[K]> }; text: string; context?: Context; field: Field; before: string | boolean | null; after: string | boolean | null }
const pins: Pin[] = [
  { moved: { understand: { serviceThreshold: 0.75 } }, text: 'bdi a3ref shu el awra2 lal rokhsa tab3 el bina', field: 'service', before: 'building-permit', after: null },
  { moved: { understand: { delexThreshold: 0.975 } }, text: 'نبي نرفع الاشارة من على الارض بعد ما سددت القرض', field: 'intent', before: 'service-info', after: 'legal-question' },
  { moved: { understand: { choiceThreshold: 0.2 } }, text: 'tasdee2 wathaye2 kif', field: 'choices', before: '', after: 'document-certification,lease-contract' },
  { moved: { understand: { choiceBand: 0.02 } }, text: 'بنيت غرفة ع السطح بدون ترخيص وبدي اعمل تسوية، شو الاوراق', field: 'service', before: null, after: 'building-violation-settlement' },
  { moved: { understand: { choiceSure: 1.4 } }, text: 'نبي رخصة بناء لحوش في الضاحية، قداش الرسوم؟', field: 'service', before: 'building-permit', after: null },
  { moved: { understand: { strongService: 0.425 } }, text: 'نبي مساعدة في تعبئة النموذج', field: 'service', before: null, after: 'prepaid-electricity' },
  { moved: { understand: { leadAboutService: 0.36 } }, text: 'sho sar b talabi la 3addad el may', field: 'intent', before: 'status-check', after: 'service-info' },
  { moved: { understand: { leadAgainstOutright: 0.1 } }, text: 'رخصة الهدم عم تتأخر', field: 'intent', before: 'service-info', after: 'complaint-file' },
  { moved: { understand: { leadAgainstWeak: 0.36 } }, text: 'bade mayye lal bet, shu el ejra2at', field: 'intent', before: 'out-of-scope', after: 'service-info' },
  { moved: { understand: { categoryThreshold: 0.18 } }, text: 'واحد قاعد يبني في ارض البلدية ومحدش قاله شي', field: 'category', before: 'building-violation', after: null },
  { moved: { understand: { offerBoth: 0.18 } }, text: 'raf3 eshara 3an el 3a2ar kif', field: 'alternative', before: 'legal-question', after: null },
  { moved: { understand: { functionWordIntents: 4 } }, text: 'المي مقطوعة عنا من ثلاث ايام', field: 'category', before: 'water', after: 'electricity' },
  { moved: { understand: { correctionTrust: 0.4 } }, text: 'shhade si77iye kam se3ra', field: 'intent', before: 'service-info', after: 'complaint-file' },
  { moved: { understand: { socialLength: 99 } }, text: "merci beaucoup, c'est ouvert demain matin ?", field: 'intent', before: 'office-info', after: 'thanks' },
  { moved: { understand: { socialRatio: 0.95 } }, text: "merci beaucoup, c'est ouvert demain matin ?", field: 'intent', before: 'office-info', after: 'thanks' },
  { moved: { understand: { cancelWithCode: 0.99 } }, text: 'الغاء C-QKGY4-R2RHJ', field: 'intent', before: 'cancel', after: 'status-check' },
  { moved: { understand: { trackedConfidence: 0.475 } }, text: 'any news on my complaint C-QKGY4-R2RHJ', field: 'sure', before: true, after: false },
  { moved: { understand: { calibration: 1.95 } }, text: 'نبي رخصة بناء لحوش في الضاحية، قداش الرسوم؟', field: 'sure', before: true, after: false },
  { moved: { understand: { contextTrust: 0.1 } }, text: 'وكم الرسوم؟', context: { service: 'building-permit' }, field: 'understood', before: true, after: false },
  { moved: { understand: { noServiceTrust: 0.25 } }, text: 'بدي عمر طابق تاني فوق بيتي ولازمني رخصة، شو الاجراءات', field: 'understood', before: true, after: false },
  { moved: { understand: { spreadMany: 6 } }, text: 'raf3 eshara 3an el 3a2ar kif', field: 'alternative', before: 'legal-question', after: null },
  { moved: { understand: { spreadManyWeight: 0.45 } }, text: 'certificate that I owe nothing to the municipality', field: 'intent', before: 'service-info', after: 'legal-question' },
  { moved: { understand: { spreadSome: 4 } }, text: 'اعمدة الضي في الطريق السريع طافية هلبا', field: 'intent', before: 'complaint-file', after: 'service-info' },
  { moved: { understand: { spreadSomeWeight: 0.3 } }, text: 'الغاء العملية', field: 'intent', before: 'cancel', after: 'service-info' },
  { moved: { understand: { frequencyWeight: 20 } }, text: 'شو المعاملات اللي بقدر اعملها هون', field: 'intent', before: 'list-services', after: 'service-info' },
  { moved: { training: { epochs: 14 } }, text: 'وين وصلت الشكوى تبعي عن الحفرة', field: 'intent', before: 'status-check', after: 'complaint-file' },
  { moved: { training: { rate: 0.75 } }, text: 'وين وصلت الشكوى تبعي عن الحفرة', field: 'intent', before: 'status-check', after: 'complaint-file' },
  { moved: { training: { l2: 1.5e-5 } }, text: 'كيف بقدر احكي مع رئيس البلدية شخصيا', field: 'intent', before: 'service-info', after: 'human-agent' },
  { moved: { training: { balance: 0.75 } }, text: 'bara2et zimme kam rasma', field: 'sure', before: false, after: true },
  { moved: { services: { variant: 1.35 } }, text: 'الساعة كم بتفتح البلدية', field: 'intent', before: 'office-info', after: 'service-info' },
  { moved: { services: { skeletonMatch: 1.275 } }, text: 'wen el far3 el ra2eesi lal baladiye', field: 'intent', before: 'office-info', after: 'service-info' },
  { moved: { services: { extra: 0.04 } }, text: 'kif bsajjel شركة صغيرة انا وشريكي', field: 'intent', before: 'service-info', after: 'accessibility' },
  { moved: { services: { partial: 0.45 } }, text: 'tasdee2 wathaye2 kif', field: 'service', before: 'document-certification', after: null },
  { moved: { services: { aliasBase: 0.35 } }, text: 'إفراز شقة من بناية، شو الأوراق', field: 'service', before: 'land-subdivision', after: null },
  { moved: { services: { aliasPerWord: 0.075 } }, text: 'نبي رخصة بناء لحوش في الضاحية، قداش الرسوم؟', field: 'service', before: 'building-permit', after: null },
  { moved: { services: { ordinary: 0.125 } }, text: 'وين وصلت الشكوى تبعي عن الحفرة', field: 'intent', before: 'status-check', after: 'complaint-file' },
  { moved: { services: { minWeight: 0.025 } }, text: 'شو المعاملات اللي بقدر اعملها هون', field: 'intent', before: 'list-services', after: 'service-info' },
  { moved: { features: { word: 2 } }, text: 'وين وصلت الشكوى تبعي عن الحفرة', field: 'intent', before: 'status-check', after: 'complaint-file' },
  { moved: { features: { bigram: 0.3 } }, text: 'وين وصلت الشكوى تبعي عن الحفرة', field: 'intent', before: 'status-check', after: 'complaint-file' },
  { moved: { features: { trigram: 0.15 } }, text: 'اقتراحي تزرعو شجر على الطريق العام', field: 'intent', before: 'suggestion', after: 'complaint-file' },
  { moved: { features: { skeleton: 0.75 } }, text: 'tree fell on the road after the storm', field: 'category', before: 'trees-parks', after: 'roads' },
  { moved: { categories: { k: 8 } }, text: 'واحد قاعد يبني في ارض البلدية ومحدش قاله شي', field: 'category', before: 'building-violation', after: null },
  { moved: { categories: { nearest: 0.15 } }, text: 'واحد قاعد يبني في ارض البلدية ومحدش قاله شي', field: 'category', before: 'building-violation', after: null },
  { moved: { vocabulary: { minLength: 5 } }, text: 'el shari3 m3tem kollo bel leil', field: 'category', before: 'street-lighting', after: 'roads' },
  { moved: { vocabulary: { threshold: 0.15 } }, text: 'shhade si77iye kam se3ra', field: 'intent', before: 'service-info', after: 'out-of-scope' },
];

const name = (p: Pin) => Object.entries(p.moved).map(([g, v]) => Object.entries(v!).map(([k, x]) => `${g}.${k} ${(TUNING as never)[g][k]} → ${x}`).join()).join();
const RUN_TIME_GROUPS = new Set(['understand', 'categories']);

/** The shipped model with one value moved: retuned when only run-time reading changes, rebuilt otherwise. */
function moved(p: Pin): Understander {
  const groups = Object.keys(p.moved);
  if (groups.every((g) => RUN_TIME_GROUPS.has(g))) {
    try { return shipped.retuned(p.moved.understand ?? {}, p.moved.categories ?? {}); } catch { /* shapes the training */ }
  }
  return new Understander(content, tuned(p.moved));
}

describe('every understanding threshold is pinned by a sentence', () => {
  it('pins each value of the Tuning exactly once (respond values in the kernel tests)', () => {
    const pinned = pins.flatMap((p) => Object.entries(p.moved).flatMap(([g, v]) => Object.keys(v!).map((k) => `${g}.${k}`)));
    const all = (Object.keys(TUNING) as Array<keyof Tuning>).filter((g) => g !== 'respond').flatMap((g) => Object.keys(TUNING[g]).map((k) => `${g}.${k}`));
    expect(new Set(pinned).size).toBe(pinned.length);
    expect([...pinned].sort()).toEqual([...all].sort());
  });

  it.each(pins.map((p) => [name(p), p] as const))('%s', (_, p) => {
    expect(read(shipped.understand(p.text, p.context), p.field)).toEqual(p.before);
    expect(read(moved(p).understand(p.text, p.context), p.field)).toEqual(p.after);
  });

  it('a value that shapes the training cannot be changed without retraining', () => {
    expect(() => shipped.retuned({ delexThreshold: 0.5 })).toThrow(/delexThreshold shape the training/);
  });
});
