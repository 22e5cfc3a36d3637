import { describe, expect, it } from 'vitest';
import { splitMessage } from '../../src/channels/split-message.js';
import { numberedChoices } from '../../src/channels/numbered-choices.js';

describe('splitting a long reply for a chat app', () => {
  it('leaves a short reply whole', () => {
    expect(splitMessage('مرحبا\nبك', 4096)).toEqual(['مرحبا\nبك']);
  });

  it('breaks between list lines, keeping each line whole and in order', () => {
    const lines = Array.from({ length: 50 }, (_, i) => `${i + 1}. document number ${i + 1} with its note`);
    const parts = splitMessage(lines.join('\n'), 200);
    expect(parts.every((p) => p.length <= 200)).toBe(true);
    expect(parts.flatMap((p) => p.split('\n'))).toEqual(lines);
  });

  it('breaks one overlong line between words, never inside one', () => {
    const words = Array.from({ length: 300 }, (_, i) => `كلمة${i}`);
    const parts = splitMessage(words.join(' '), 100);
    expect(parts.every((p) => p.length <= 100)).toBe(true);
    expect(parts.join(' ').split(' ')).toEqual(words);
  });

  it('cuts only a word longer than the limit, and never through an emoji', () => {
    const parts = splitMessage('😀'.repeat(60), 25);
    expect(parts.every((p) => p.length <= 25)).toBe(true);
    expect(parts.join('')).toBe('😀'.repeat(60));
  });

  it('starts no message with blank lines', () => {
    const parts = splitMessage(`${'a'.repeat(90)}\n\n\n${'b'.repeat(90)}`, 100);
    expect(parts).toEqual(['a'.repeat(90), 'b'.repeat(90)]);
  });
});

describe('choices as numbered lines', () => {
  it('numbers the choices under the text', () => {
    expect(numberedChoices({ text: 'اختر:', choices: [{ label: 'الرسوم', value: 'a' }, { label: 'المدة', value: 'b' }] })).toBe('اختر:\n\n1. الرسوم\n2. المدة');
  });

  it('does not repeat options the text already lists', () => {
    const text = 'Services:\n1. Building permit\n2. Health certificate';
    expect(numberedChoices({ text, choices: [{ label: 'Building permit', value: 'x' }, { label: 'Health certificate', value: 'y' }] })).toBe(text);
  });
});
