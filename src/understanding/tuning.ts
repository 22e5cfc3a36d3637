import type { TrainingOptions } from './logistic.js';

/**
 * Every threshold and weight of understanding, in one place. A municipality never needs to touch these (content
 * is adapted in intents/ and knowledge/); they are here so a change is deliberate and visible, and
 * test/understanding/tuning.test.ts pins each one with a sentence whose reading flips when it moves.
 * Scores are 0…1 unless said otherwise.
 */
export interface Tuning {
  /** Reading the sentence. */
  readonly understand: {
    /** A service scoring this much is the one the sentence is about. */
    readonly serviceThreshold: number;
    /** A service must be named this clearly for the intent to be judged without its words. */
    readonly delexThreshold: number;
    /** Several services sharing the words that were used ("بدي رخصة") are offered as choices from this score. */
    readonly choiceThreshold: number;
    /** Services within this much of the best are offered together… */
    readonly choiceBand: number;
    /** …unless the best scores this much: then it is the one. */
    readonly choiceSure: number;
    /** A service named this clearly (and outright) keeps follow-ups, bookings and form help about it. */
    readonly strongService: number;
    /** How far following up, booking or form help must lead service-info when a service is named. */
    readonly leadAboutService: number;
    /** How far any other intent must lead service-info against a service named outright. */
    readonly leadAgainstOutright: number;
    /** …and against a service named weakly. */
    readonly leadAgainstWeak: number;
    /** A complaint category must score this much to be proposed. */
    readonly categoryThreshold: number;
    /** The probability from which the other reading of a handoff-or-guidance message is offered too. */
    readonly offerBoth: number;
    /** A word found in examples of this many intents is a function word for the complaint categories. */
    readonly functionWordIntents: number;
    /** A guessed spelling counts for this much of what the citizen wrote. */
    readonly correctionTrust: number;
    /** A greeting or thanks in a message of this many words or more may give way to the request in it… */
    readonly socialLength: number;
    /** …when the request scores at least this share of the greeting. */
    readonly socialRatio: number;
    /** A cancel this probable stays a cancel although the message holds a tracking code ("please cancel C-…"). */
    readonly cancelWithCode: number;
    /** Confidence of a reading decided by a tracking code in the message. */
    readonly trackedConfidence: number;
    /** Temperature softening the model's probabilities into a confidence (measured by scripts/calibrate-understanding.ts). */
    readonly calibration: number;
    /** How sure a service answer is when the service comes from the conversation… */
    readonly contextTrust: number;
    /** …or when none was found (a list). */
    readonly noServiceTrust: number;
    /** How ordinary a word is, from how many kinds of messages use it: in this many kinds… */
    readonly spreadMany: number;
    /** …it counts as this ordinary; */
    readonly spreadManyWeight: number;
    /** in this many kinds… */
    readonly spreadSome: number;
    /** …this ordinary; */
    readonly spreadSomeWeight: number;
    /** plus this many times the share of messages that use it. */
    readonly frequencyWeight: number;
  };
  /** Training the intent model (see SoftmaxRegression). Settled on dev.jsonl, labelled.jsonl and cross-validation. */
  readonly training: Required<Omit<TrainingOptions, 'seed'>>;
  /** Finding a service by its names (see ServiceFinder). */
  readonly services: {
    /** A word not written as in the name (a verb form, a root) is read this surely. */
    readonly variant: number;
    /** An Arabizi spelling meeting a name by its consonant skeleton is read this surely. */
    readonly skeletonMatch: number;
    /** Added for each distinctive word (two at most) that fits another name of the same service. */
    readonly extra: number;
    /** A name only partly there by words other services share counts for this share. */
    readonly partial: number;
    /** A one-word name's length factor; each further word adds `aliasPerWord`, up to 1. */
    readonly aliasBase: number;
    readonly aliasPerWord: number;
    /** A word this ordinary (or more) never stands for a service by itself. */
    readonly ordinary: number;
    /** The least weight a word of a name has, however ordinary. */
    readonly minWeight: number;
  };
  /** Feature weights of the intent model and the category classifier. */
  readonly features: { readonly word: number; readonly bigram: number; readonly trigram: number; readonly skeleton: number };
  /** Complaint categories by nearest examples: the `k` closest, and the share of the closest one. */
  readonly categories: { readonly k: number; readonly nearest: number };
  /** Typo correction: words shorter than this are never guessed; Fuse.js scores up to `threshold` are accepted. */
  readonly vocabulary: { readonly minLength: number; readonly threshold: number };
  /** Answering. */
  readonly respond: {
    /** Below this confidence the assistant says it did not understand (and offers its guesses). */
    readonly minConfidence: number;
    /** A service is offered as a guess from this score… */
    readonly guessService: number;
    /** …an intent from this probability. */
    readonly guessIntent: number;
    /** How sure "talk to staff" must read inside a flow to be offered instead of taken as the step's answer. */
    readonly staffInFlow: number;
  };
}

export const TUNING: Tuning = Object.freeze({
  understand: Object.freeze({
    serviceThreshold: 0.5, delexThreshold: 0.65, choiceThreshold: 0.4, choiceBand: 0.08, choiceSure: 0.95,
    strongService: 0.85, leadAboutService: 0.06, leadAgainstOutright: 0.4, leadAgainstWeak: 0.06,
    categoryThreshold: 0.12, offerBoth: 0.12, functionWordIntents: 7, correctionTrust: 0.8,
    socialLength: 5, socialRatio: 0.5, cancelWithCode: 0.5, trackedConfidence: 0.95, calibration: 1.3, contextTrust: 0.9, noServiceTrust: 0.5,
    spreadMany: 5, spreadManyWeight: 0.9, spreadSome: 3, spreadSomeWeight: 0.2, frequencyWeight: 4,
  }),
  training: Object.freeze({ epochs: 15, rate: 0.5, l2: 1e-5, balance: 0.5 }),
  services: Object.freeze({ variant: 0.9, skeletonMatch: 0.85, extra: 0.08, partial: 0.9, aliasBase: 0.7, aliasPerWord: 0.15, ordinary: 0.5, minWeight: 0.05 }),
  features: Object.freeze({ word: 1, bigram: 0.6, trigram: 0.3, skeleton: 0.5 }),
  categories: Object.freeze({ k: 5, nearest: 0.3 }),
  vocabulary: Object.freeze({ minLength: 4, threshold: 0.3 }),
  respond: Object.freeze({ minConfidence: 0.18, guessService: 0.25, guessIntent: 0.1, staffInFlow: 0.5 }),
});

/** The shipped tuning with some values changed (for experiments and the pinning tests). */
export function tuned(changes: { [K in keyof Tuning]?: Partial<Tuning[K]> }): Tuning {
  const out = { ...TUNING } as Record<keyof Tuning, object>;
  for (const k of Object.keys(changes) as Array<keyof Tuning>) out[k] = { ...TUNING[k], ...changes[k] };
  return out as unknown as Tuning;
}
