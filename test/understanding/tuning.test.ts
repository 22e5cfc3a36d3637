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
  { moved: { understand: { delexThreshold: 0.975 } }, text: 'tasdee2 wathaye2 kif', field: 'intent', before: 'service-info', after: 'out-of-scope' },
  { moved: { understand: { choiceThreshold: 0.2 } }, text: 'tasdee2 wathaye2 kif', field: 'choices', before: '', after: 'document-certification,lease-contract' },
  { moved: { understand: { choiceBand: 0.38 } }, text: 'مصادقة على عقد شو الرسوم', field: 'choices', before: '', after: 'document-certification,lease-contract' },
  { moved: { understand: { choiceSure: 1.4 } }, text: 'نبي رخصة بناء لحوش في الضاحية، قداش الرسوم؟', field: 'service', before: 'building-permit', after: null },
  { moved: { understand: { strongService: 0.425 } }, text: 'نبي مساعدة في تعبئة النموذج', field: 'service', before: null, after: 'prepaid-electricity' },
  { moved: { understand: { leadAboutService: 0.2 } }, text: 'كيف اخد موعد مع العميد', field: 'intent', before: 'appointment-book', after: 'service-info' },
  { moved: { understand: { leadAgainstOutright: 0.05 } }, text: 'the water meter is leaking', field: 'intent', before: 'service-info', after: 'complaint-file' },
  { moved: { understand: { leadAgainstWeak: 0.12 } }, text: 'shahadet gher mwazzaf shu bdha', field: 'intent', before: 'human-agent', after: 'service-info' },
  { moved: { understand: { categoryThreshold: 0.18 } }, text: 'بدي سجل بلاغ', field: 'category', before: 'building-violation', after: null },
  { moved: { understand: { offerBoth: 0.18 } }, text: 'raf3 eshara 3an el 3a2ar kif', field: 'alternative', before: 'legal-question', after: null },
  { moved: { understand: { functionWordIntents: 4 } }, text: 'المي مقطوعة عنا من ثلاث ايام', field: 'category', before: 'water', after: 'electricity' },
  { moved: { understand: { correctionTrust: 0.4 } }, text: 'تصديك اوراق قديش', field: 'service', before: 'document-certification', after: null },
  { moved: { understand: { socialLength: 99 } }, text: 'مرحبا، بدي اعرف الدوام لاي ساعة', field: 'intent', before: 'office-info', after: 'greeting' },
  { moved: { understand: { socialRatio: 0.95 } }, text: 'مرحبا، بدي اعرف الدوام لاي ساعة', field: 'intent', before: 'office-info', after: 'greeting' },
  { moved: { understand: { cancelWithCode: 0.99 } }, text: 'الغاء C-QKGY4-R2RHJ', field: 'intent', before: 'cancel', after: 'status-check' },
  { moved: { understand: { trackedConfidence: 0.475 } }, text: 'any news on my complaint C-QKGY4-R2RHJ', field: 'sure', before: true, after: false },
  { moved: { understand: { calibration: 1.95 } }, text: 'shu lezem jib la ro5set el bina2', field: 'sure', before: true, after: false },
  { moved: { understand: { contextTrust: 0.1 } }, text: 'وكم الرسوم؟', context: { service: 'building-permit' }, field: 'understood', before: true, after: false },
  { moved: { understand: { noServiceTrust: 0.25 } }, text: 'رخثة بناء كم رسومها', field: 'understood', before: true, after: false },
  { moved: { understand: { spreadMany: 6 } }, text: 'بدي ورقة اني مش موظف بالدولة', field: 'alternative', before: 'human-agent', after: null },
  { moved: { understand: { spreadManyWeight: 0.45 } }, text: 'الطريق متاعنا محفرة وتعبت السيارات', field: 'intent', before: 'complaint-file', after: 'service-info' },
  { moved: { understand: { spreadSome: 4 } }, text: 'رصيد العداد خلص وين بعبي', field: 'intent', before: 'service-info', after: 'status-check' },
  { moved: { understand: { spreadSomeWeight: 0.3 } }, text: 'الغاء العملية', field: 'intent', before: 'cancel', after: 'service-info' },
  { moved: { understand: { frequencyWeight: 20 } }, text: 'تصديق الوكالة ياخذ قداش', field: 'service', before: 'document-certification', after: null },
  { moved: { training: { epochs: 14 } }, text: 'bdi shouf ra2ees el baladiye', field: 'sure', before: false, after: true },
  { moved: { training: { rate: 0.75 } }, text: 'رصيد العداد خلص وين بعبي', field: 'intent', before: 'service-info', after: 'status-check' },
  { moved: { training: { l2: 1.5e-5 } }, text: 'رخصة بنااء كم يوم بتاخد', field: 'sure', before: true, after: false },
  { moved: { training: { balance: 0.75 } }, text: 'رخصة بنااء كم يوم بتاخد', field: 'sure', before: true, after: false },
  { moved: { services: { variant: 1.35 } }, text: 'الضي يقطع كل ساعة', field: 'intent', before: 'complaint-file', after: 'service-info' },
  { moved: { services: { skeletonMatch: 1.275 } }, text: 'btefta7o yom el sabt?', field: 'intent', before: 'office-info', after: 'service-info' },
  { moved: { services: { extra: 0.12 } }, text: 'how can I appeal the fine', field: 'alternative', before: 'service-info', after: null },
  { moved: { services: { partial: 0.45 } }, text: 'tasdee2 wathaye2 kif', field: 'intent', before: 'service-info', after: 'out-of-scope' },
  { moved: { services: { aliasBase: 0.35 } }, text: 'إفراز شقة من بناية، شو الأوراق', field: 'service', before: 'land-subdivision', after: null },
  { moved: { services: { aliasPerWord: 0.075 } }, text: 'نبي رخصة بناء لحوش في الضاحية، قداش الرسوم؟', field: 'service', before: 'building-permit', after: null },
  { moved: { services: { ordinary: 0.125 } }, text: 'i need a paper proving i am not a government employee', field: 'intent', before: 'service-info', after: 'human-agent' },
  { moved: { services: { minWeight: 0.025 } }, text: 'خلاص ما بدي شي تاني، باي', field: 'intent', before: 'goodbye', after: 'service-info' },
  { moved: { features: { word: 2 } }, text: 'رخصة بنااء كم يوم بتاخد', field: 'sure', before: true, after: false },
  { moved: { features: { bigram: 0.3 } }, text: 'رخصة بنااء كم يوم بتاخد', field: 'sure', before: true, after: false },
  { moved: { features: { trigram: 0.15 } }, text: 'bdi maw3ad bokra', field: 'intent', before: 'appointment-book', after: 'cancel' },
  { moved: { features: { skeleton: 0.25 } }, text: 'bdi shouf ra2ees el baladiye', field: 'sure', before: false, after: true },
  { moved: { categories: { k: 1 } }, text: 'الرصيف قدام بيتنا مكسر والختيارية بيوقعوا', field: 'category', before: 'roads', after: 'street-lighting' },
  { moved: { categories: { nearest: 0.15 } }, text: 'bdi msa3ade b ta3be2et el talab', field: 'category', before: 'building-violation', after: 'staff-conduct' },
  { moved: { vocabulary: { minLength: 5 } }, text: 'el shari3 m3tem kollo bel leil', field: 'category', before: 'street-lighting', after: 'roads' },
  { moved: { vocabulary: { threshold: 0.15 } }, text: 'el shari3 m3tem kollo bel leil', field: 'sure', before: true, after: false },
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
