import { MAX_MEDIA_BYTES, type MediaStore } from '../../domain/media.js';
import type { Phrasebook } from '../replies.js';
import type { Turn } from '../respond.js';
import type { Attachment, Reply } from '../../shared/message.js';

/** Kinds staff can listen to, watch or open; the assistant itself reads only text. */
const FOR_STAFF = new Set<Attachment['kind']>(['audio', 'video', 'file']);
const REPLY_KEY = { audio: 'media.audio', video: 'media.video', file: 'media.file' } as const;

/**
 * Voice notes, videos, files, stickers and contacts. While staff hold the chat a voice note (or video, file) is
 * stored for them and the chat goes on as usual. Otherwise the citizen is told, in their language, that the
 * assistant reads text and offered to pass it to staff: it is kept until they answer, and removed unless they
 * accept (pressing "pass to staff" is the ordinary /agent request). Photos are left to the complaint flow.
 */
export function mediaFlow(deps: { media: Pick<MediaStore, 'save' | 'remove'>; phrases: Phrasebook }) {
  const p = deps.phrases;
  return async (turn: Turn): Promise<Reply[] | undefined> => {
    const { state, lang } = turn;
    if (state.pendingMedia?.length) {
      const kept = turn.text.trim() === '/agent';
      if (!kept) for (const id of state.pendingMedia) await deps.media.remove(id);
      state.pendingMedia = undefined;
    }
    const a = turn.inbound.attachments?.find((x) => x.kind !== 'image');
    if (!a) return undefined;
    if (a.kind === 'sticker') return [p.reply(lang, 'media.sticker', {}, p.menuChoices(lang))];
    if (a.kind === 'contact') return [p.reply(lang, 'media.contact', {}, p.menuChoices(lang))];
    if (!FOR_STAFF.has(a.kind)) return undefined;

    const tooLarge = () => [p.reply(lang, 'media.too.large', { mb: MAX_MEDIA_BYTES / 1024 / 1024 })];
    if ((a.size ?? 0) > MAX_MEDIA_BYTES || !a.download) return tooLarge();
    const data = await a.download();
    if (data.length > MAX_MEDIA_BYTES) return tooLarge();
    const id = await deps.media.save(turn.conversation, a.mimeType, data);
    if (state.withStaff) return undefined; // the relay goes on; staff find it in the conversation
    state.pendingMedia = [id];
    return [p.reply(lang, REPLY_KEY[a.kind as keyof typeof REPLY_KEY], {}, [
      { label: p.t(lang, 'media.pass'), value: '/agent' },
      { label: p.t(lang, 'media.no'), value: '/menu' },
    ])];
  };
}
