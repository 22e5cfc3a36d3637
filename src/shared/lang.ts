/** The languages the assistant answers in. */
export type Lang = 'ar' | 'en' | 'fr';
