import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIDENTIAL_MARKER } from '../../src/domain/confidentiality.js';
import type { TranscriptEntry } from '../../src/domain/transcript.js';
import { payloadLabel, queuePreview, readableLine, systemSay, withoutDebug } from '../../src/http/console-lines.js';
import { ChatKey } from '../../src/shared/chat.js';
import { shippedContent } from '../helpers/assistant.js';
import { StaffClient, startTestServer, type TestServer } from '../helpers/server.js';

// What staff read of transcript lines: labels for payloads, system lines as keys, who waits subject to confidentiality.

const { content } = shippedContent();
const line = (l: Partial<TranscriptEntry>): TranscriptEntry => ({ conversation: 'telegram:1', from: 'citizen', text: '', at: new Date(), ...l });

describe('transcript lines as staff read them', () => {
  it('maps button payloads to the labels the citizen saw, in the conversation language', () => {
    expect(payloadLabel(content, '/confidential', 'ar')).toBe(content.replies['complaint.privacy.confidential'].ar);
    expect(payloadLabel(content, '/confidential', 'en')).toBe(content.replies['complaint.privacy.confidential'].en);
    expect(payloadLabel(content, '/yes', 'ar')).toBe(content.replies['complaint.yes'].ar);
    const license = content.services.find((s) => s.id === 'business-license')!;
    expect(payloadLabel(content, '/service business-license', 'en')).toBe(license.name.en);
    expect(payloadLabel(content, 'بدي رخصة', 'ar')).toBeUndefined();
    expect(payloadLabel(content, '/no-such-thing', 'ar')).toBeUndefined();
  });

  it('prefers the label stored with the line and keeps the payload apart', () => {
    const shown = readableLine(content, line({ text: '/yes', tapped: 'نعم، صحيح' }), 'ar');
    expect(shown).toMatchObject({ text: 'نعم، صحيح', payload: '/yes' });
    expect(shown).not.toHaveProperty('tapped');
    const plain = line({ text: 'مرحبا' });
    expect(readableLine(content, plain, 'ar')).toEqual(plain);
  });

  it('turns the handoff system lines into keys the console translates', () => {
    expect(systemSay('amal took the conversation')).toEqual({ key: 'took', vars: { name: 'amal' } });
    expect(systemSay('amal transferred the conversation to licensing')).toEqual({ key: 'transferred', vars: { name: 'amal', to: 'licensing' } });
    expect(systemSay('amal closed the conversation (follow-up)')).toEqual({ key: 'closed', vars: { name: 'amal', outcome: 'follow-up' } });
    expect(systemSay('amal handed the conversation back to the assistant')).toEqual({ key: 'handed-back', vars: { name: 'amal' } });
    expect(systemSay('citizen left the conversation')).toEqual({ key: 'citizen-left', vars: {} });
    expect(systemSay(CONFIDENTIAL_MARKER)).toEqual({ key: 'confidential', vars: {} });
    expect(systemSay('something else')).toBeUndefined();
  });

  it('never tells an agent who waits when the conversation holds a confidential filing', () => {
    const handoff = { channel: 'whatsapp' as const, user: '218911111111', lang: 'ar' as const };
    const lines = [line({ text: 'حفرة أمام بيتي', confidential: true }), line({ text: 'بدي موظف' })];
    const agent = queuePreview(content, { role: 'agent' }, handoff, lines);
    expect(JSON.stringify(agent)).not.toContain('218911111111');
    expect(agent.contact).toBeUndefined();
    expect(agent.last).toBeUndefined();
    const office = queuePreview(content, { role: 'supervisor' }, handoff, lines);
    expect(office).toMatchObject({ contact: '218911111111', last: { text: 'بدي موظف' } });
    expect(queuePreview(content, { role: 'agent' }, handoff, [line({ text: '/agent' })])).toMatchObject({ contact: '218911111111', last: { text: content.replies['menu.agent'].ar } });
  });

  it('keeps the classifier guess from agents', () => {
    const summary = { id: 'x', assistantGuess: { intent: 'legal-question', confidence: 0.47 } };
    expect(withoutDebug('agent', summary)).toEqual({ id: 'x' });
    expect(withoutDebug('supervisor', summary)).toEqual(summary);
  });
});

describe('the stored transcript', () => {
  let server: TestServer;
  beforeAll(async () => { server = await startTestServer({ dbName: 'desk_lines' }); });
  afterAll(async () => { await server?.close(); });

  it('keeps the label of the button a citizen tapped, and the console API shows it, not the payload', async () => {
    const user = '700555001';
    await server.nafidha.kernel.handle({ channel: 'telegram', user, text: 'مرحبا' });
    await server.nafidha.kernel.handle({ channel: 'telegram', user, text: '/services' });
    await server.nafidha.kernel.handle({ channel: 'telegram', user, text: 'بدي اعترض على قرار المحكمة' });
    const stored = await server.nafidha.transcripts.list(ChatKey.of('telegram', user));
    expect(stored.find((l) => l.text === '/services')?.tapped).toBe(content.replies['menu.services'].ar);

    const agent = new StaffClient(server.url);
    await agent.signIn('amal', await server.addStaff('amal', 'agent'));
    const { body: queue } = await agent.json<{ waiting: { id: string; contact?: string; last?: { text: string } }[] }>('GET', '/console/api/queue');
    expect(queue.waiting[0]).toMatchObject({ contact: user, last: { text: 'بدي اعترض على قرار المحكمة' } });
    const { body } = await agent.json<{ transcript: { from: string; text: string; payload?: string }[] }>('GET', `/console/api/conversations/${queue.waiting[0].id}`);
    const citizenLines = body.transcript.filter((l) => l.from === 'citizen');
    expect(citizenLines.map((l) => l.text)).toContain(content.replies['menu.services'].ar);
    expect(citizenLines.some((l) => l.text.startsWith('/'))).toBe(false);
  });
});
