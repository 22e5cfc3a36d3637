import { randomBytes } from 'node:crypto';
import type { Content } from '../../content/load.js';
import type { ReplyKey } from '../../content/reply-keys.js';
import { insideBounds, MAX_DESCRIPTION, MAX_PHOTOS, type ComplaintService, type Receipt } from '../../domain/complaints.js';
import { fill, formatDate, type NotificationTexts } from '../../domain/notification-texts.js';
import { normalizePhone } from '../../domain/applications.js';
import { IMAGE_TYPES, MAX_MEDIA_BYTES, type MediaStore } from '../../domain/media.js';
import type { Lang } from '../../text/language.js';
import type { Phrasebook } from '../replies.js';
import type { Turn } from '../respond.js';
import { complaintDraft, givenName, leaveFlow, type ChatState, type ComplaintDraft, type ComplaintStep } from '../state.js';
import type { Choice, Reply } from '../../shared/message.js';

export interface ComplaintFlowDeps {
  content: Pick<Content, 'categories' | 'departments' | 'municipality'>;
  complaints: ComplaintService;
  media: Pick<MediaStore, 'save' | 'belongsTo'>;
  phrases: Phrasebook;
  texts: NotificationTexts;
}

const ORDER: ComplaintStep[] = ['category', 'description', 'location', 'photos', 'privacy', 'name', 'phone', 'consent', 'confirm'];
const MAX_NAME = 80;

/** The WhatsApp number a chat comes from (its user id), offered as the phone to call back. */
function channelPhone(inbound: Turn['inbound']): string | undefined {
  const whatsapp = inbound.channel === 'whatsapp' || inbound.channel === 'whatsapp-cloud';
  const number = inbound.user.replace(/@c\.us$/, '');
  return whatsapp && /^\+?\d{8,15}$/.test(number) ? normalizePhone(number.startsWith('+') ? number : `+${number}`) : undefined;
}

/** A phone as typed ("091 234 5678", "+218-91-…", Arabic-Indic digits): 6 to 15 digits, stored as digits. */
function typedPhone(text: string): string | undefined {
  if (!/^[+\s\-().\d\u0660-\u0669\u06F0-\u06F9]+$/.test(text)) return undefined;
  const phone = normalizePhone(text);
  const digits = phone.replace(/\D/g, '').length;
  return digits >= 6 && digits <= 15 ? phone : undefined;
}

/** Filing a complaint: guided step by step, or all at once when the first message already says enough. */
export class ComplaintFlow {
  constructor(private readonly deps: ComplaintFlowDeps) {}

  /** Starts from whatever the first message told: its category, its description, a shared location. */
  async start(turn: Turn): Promise<Reply[]> {
    const u = turn.understanding;
    const draft: ComplaintDraft = { step: 'category', photos: [], startedAt: Date.now(), id: randomBytes(9).toString('base64url') };
    const words = turn.text.trim().split(/\s+/).length;
    if (u?.category) {
      draft.category = u.category;
      draft.step = 'category-confirm';
      if (words >= 4 && !turn.text.startsWith('/')) draft.description = turn.text.trim().slice(0, MAX_DESCRIPTION);
    }
    if (turn.inbound.location) draft.location = turn.inbound.location;
    turn.state.flow = { kind: 'complaint', draft };
    return [this.ask(turn.lang, draft)];
  }

  /** Continues the complaint this chat is filing; undefined when there is none. */
  async resume(turn: Turn): Promise<Reply[] | undefined> {
    const draft = complaintDraft(turn.state);
    if (!draft) return undefined;
    const replies = await this.step(turn, draft);
    // Once the citizen chose confidential, everything said while filing is for the citizen office only.
    if (draft.privacy === 'confidential' && turn.forgetSince === undefined) turn.confidentialSince = draft.startedAt ?? Date.now();
    return replies;
  }

  /**
   * A draft at its summary may already be stored: the server stopped between storing it and answering. The draft's
   * own retry key finds it, and the citizen gets the receipt instead of a second complaint.
   */
  async recover(turn: Turn): Promise<Reply[] | undefined> {
    const draft = complaintDraft(turn.state);
    if (draft?.step !== 'confirm' || !draft.id) return undefined;
    const receipt = await this.deps.complaints.findFiled(this.retryKey(turn, draft.id));
    if (!receipt) return undefined;
    return this.filed(turn, draft, receipt);
  }

  private retryKey(turn: Turn, draftId: string): string {
    return `complaint-draft:${turn.conversation}:${draftId}`;
  }

  private async step(turn: Turn, draft: ComplaintDraft): Promise<Reply[]> {
    const { lang, text, inbound } = turn;
    const p = this.deps.phrases;
    const value = text.trim();
    // "Carry on" after being offered staff: the question of the step the citizen was at.
    if (value === '/continue') return [this.ask(lang, draft, inbound)];
    switch (draft.step) {
      case 'category-confirm':
        if (value === '/yes') return this.advance(turn, draft);
        draft.category = undefined;
        draft.step = 'category';
        return [this.ask(lang, draft)];
      case 'category': {
        const id = value.startsWith('/cat ') ? value.slice(5) : undefined;
        if (!id || !this.deps.content.categories.some((c) => c.id === id)) return [this.ask(lang, draft)];
        draft.category = id;
        return this.advance(turn, draft);
      }
      case 'description':
        if (!value || value.startsWith('/')) return [this.ask(lang, draft)];
        if (value.length > MAX_DESCRIPTION) return [this.problem(lang, 'complaint.description-too-long', { max: MAX_DESCRIPTION }), this.ask(lang, draft)];
        draft.description = value;
        return this.advance(turn, draft);
      case 'location': {
        if (inbound.location) {
          if (!insideBounds(inbound.location, this.deps.content.municipality.bounds)) return [this.problem(lang, 'complaint.location-outside'), this.ask(lang, draft)];
          draft.location = inbound.location;
        } else if (value.length >= 3 && !value.startsWith('/')) {
          draft.location = { text: value.slice(0, 300) };
        } else return [this.ask(lang, draft)];
        return this.advance(turn, draft);
      }
      case 'photos': {
        if (inbound.attachments?.length) return this.addPhotos(turn, draft);
        if (value === '/skip' || value === '/next') { draft.photosDone = true; return this.advance(turn, draft); }
        return [this.ask(lang, draft)];
      }
      case 'privacy': {
        const options: Record<string, 'named' | 'confidential' | 'anonymous'> = { '/named': 'named', '/confidential': 'confidential', '/anonymous': 'anonymous' };
        const privacy = options[value];
        if (!privacy) return [this.ask(lang, draft)];
        draft.privacy = privacy;
        // Anonymous keeps nothing about the citizen: a name or phone given before is dropped.
        if (privacy === 'anonymous') { draft.consent = false; draft.name = undefined; draft.phone = undefined; }
        return this.advance(turn, draft);
      }
      case 'name': {
        const name = value === '/use-name' ? inbound.displayName?.trim() : value.startsWith('/') ? undefined : value;
        if (!name || name.length > MAX_NAME || !/\p{L}/u.test(name)) return [this.ask(lang, draft, inbound)];
        draft.name = name;
        return this.advance(turn, draft);
      }
      case 'phone': {
        const phone = value === '/use-phone' ? channelPhone(inbound) : value.startsWith('/') ? undefined : typedPhone(value);
        if (!phone) return [...(value.startsWith('/') ? [] : [p.reply(lang, 'complaint.phone.invalid')]), this.ask(lang, draft, inbound)];
        draft.phone = phone;
        return this.advance(turn, draft);
      }
      case 'consent':
        if (value !== '/yes' && value !== '/no') return [this.ask(lang, draft)];
        draft.consent = value === '/yes';
        return this.advance(turn, draft);
      case 'edit': {
        const field = value.startsWith('/edit ') ? (value.slice(6) as ComplaintStep) : undefined;
        if (!field || !ORDER.includes(field)) return [this.ask(lang, draft)];
        draft.step = field;
        draft.editing = true;
        if (field === 'privacy') draft.consent = undefined;
        if (field === 'photos') draft.photosDone = false;
        return [this.ask(lang, draft, inbound)];
      }
      case 'confirm':
        if (value === '/edit') { draft.step = 'edit'; return [this.ask(lang, draft)]; }
        if (value === '/confirm') return this.file(turn, draft);
        return [this.ask(lang, draft)];
    }
    return [p.reply(lang, 'error')];
  }

  /** Moves to the next step that still needs an answer (or back to the summary after an edit). */
  private advance(turn: Turn, draft: ComplaintDraft): Reply[] {
    const identified = draft.privacy === 'named' || draft.privacy === 'confidential';
    const missing: Record<ComplaintStep, boolean> = {
      category: !draft.category, 'category-confirm': false, description: !draft.description, location: !draft.location,
      photos: !draft.photosDone, privacy: !draft.privacy, name: identified && !draft.name, phone: identified && !draft.phone,
      consent: draft.consent === undefined, edit: false, confirm: true,
    };
    // After an edit, whatever the change left unanswered (a name after switching to "with my name"), then the summary.
    const next = ORDER.find((s) => missing[s]) ?? 'confirm';
    draft.step = draft.editing && !['privacy', 'name', 'phone', 'consent'].includes(next) ? 'confirm' : next;
    if (draft.step === 'confirm') draft.editing = false;
    return [this.ask(turn.lang, draft, turn.inbound)];
  }

  private async addPhotos(turn: Turn, draft: ComplaintDraft): Promise<Reply[]> {
    const { lang } = turn;
    const p = this.deps.phrases;
    for (const a of turn.inbound.attachments ?? []) {
      if (draft.photos.length >= MAX_PHOTOS) return [this.problem(lang, 'complaint.too-many-photos', { max: MAX_PHOTOS }), this.ask(lang, draft)];
      if (a.kind !== 'image' || !IMAGE_TYPES.includes(a.mimeType)) return [p.reply(lang, 'complaint.photo.type'), this.ask(lang, draft)];
      if ((a.size ?? 0) > MAX_MEDIA_BYTES) return [p.reply(lang, 'complaint.photo.size', { mb: MAX_MEDIA_BYTES / 1024 / 1024 }), this.ask(lang, draft)];
      if (a.mediaId) {
        if (!(await this.deps.media.belongsTo(a.mediaId, turn.conversation))) return [p.reply(lang, 'complaint.photo.type')];
        draft.photos.push(a.mediaId);
      } else if (a.download) {
        const data = await a.download();
        if (data.length > MAX_MEDIA_BYTES) return [p.reply(lang, 'complaint.photo.size', { mb: MAX_MEDIA_BYTES / 1024 / 1024 }), this.ask(lang, draft)];
        draft.photos.push(await this.deps.media.save(turn.conversation, a.mimeType, data));
      }
    }
    return [p.reply(lang, 'complaint.photo.received', { count: p.count(lang, 'photo', draft.photos.length) }, [{ label: p.t(lang, 'complaint.next'), value: '/next' }])];
  }

  private async file(turn: Turn, draft: ComplaintDraft): Promise<Reply[]> {
    const { lang, inbound } = turn;
    const result = await this.deps.complaints.fileComplaint({
      category: draft.category!, description: draft.description!, location: draft.location, photos: draft.photos,
      privacy: draft.privacy!, from: { channel: inbound.channel, user: inbound.user }, via: inbound.channel,
      ...(draft.privacy === 'anonymous' ? {} : { name: draft.name ?? inbound.displayName, ...(draft.phone ? { phone: draft.phone } : {}) }), consentToContact: draft.consent ?? false,
      lang, messageId: inbound.messageId, ...(draft.id ? { idempotencyKey: this.retryKey(turn, draft.id) } : {}),
    });
    if (!result.ok) {
      const first = result.problems[0];
      const step: ComplaintStep = first.problem === 'complaint.location-outside' || first.problem === 'complaint.location-invalid' ? 'location'
        : first.problem === 'complaint.unknown-category' ? 'category' : first.problem === 'complaint.too-many-photos' ? 'photos' : 'description';
      draft.step = step;
      draft.editing = true;
      return [this.problem(lang, first.problem, 'max' in first ? { max: first.max } : {}), this.ask(lang, draft)];
    }
    return this.filed(turn, draft, result.receipt);
  }

  /** The draft is stored: the chat remembers the code, and the citizen reads the receipt. */
  private filed(turn: Turn, draft: ComplaintDraft, receipt: Receipt): Reply[] {
    const { lang } = turn;
    const state = turn.state;
    state.givenName = givenName(state);
    leaveFlow(state, 'complaint');
    rememberReceipt(state, receipt.code);
    // Anonymous means nothing links the chat to the complaint: not even its transcript.
    if (receipt.privacy === 'anonymous') turn.forgetSince = draft.startedAt ?? Date.now();
    else if (receipt.privacy === 'confidential') turn.confidentialSince = draft.startedAt ?? Date.now();
    const department = this.deps.content.departments.find((d) => d.id === receipt.department)?.name[lang] ?? receipt.department;
    const p = this.deps.phrases;
    return [p.reply(lang, 'complaint.receipt', {
      code: receipt.code, department, date: formatDate(receipt.deadline, lang, this.deps.content.municipality.timezone),
    }, p.menuChoices(lang))];
  }

  private problem(lang: Lang, key: string, vars: Record<string, string | number> = {}): Reply {
    const entry = (this.deps.texts.problems as Record<string, Record<Lang, string>>)[key];
    return { text: entry ? fill(entry[lang], vars) : this.deps.phrases.t(lang, 'error'), lang };
  }

  private categoryName(lang: Lang, id?: string): string {
    return this.deps.content.categories.find((c) => c.id === id)?.name[lang] ?? '';
  }

  /** The question for the step the draft is at. */
  ask(lang: Lang, draft: ComplaintDraft, inbound?: Turn['inbound']): Reply {
    const p = this.deps.phrases;
    const yesNo = (yes: ReplyKey, no: ReplyKey): Choice[] => [{ label: p.t(lang, yes), value: '/yes' }, { label: p.t(lang, no), value: '/no' }];
    switch (draft.step) {
      case 'category-confirm':
        return p.reply(lang, 'complaint.category.confirm', { category: this.categoryName(lang, draft.category) }, yesNo('complaint.yes', 'complaint.category.other'));
      case 'category':
        return p.reply(lang, 'complaint.category', {}, this.deps.content.categories.map((c) => ({ label: c.name[lang], value: `/cat ${c.id}` })));
      case 'description':
        return p.reply(lang, 'complaint.description');
      case 'location':
        return p.reply(lang, 'complaint.location');
      case 'photos':
        return p.reply(lang, 'complaint.photo', {}, [{ label: p.t(lang, 'complaint.skip'), value: '/skip' }]);
      case 'privacy':
        return p.reply(lang, 'complaint.privacy', {}, [
          { label: p.t(lang, 'complaint.privacy.named'), value: '/named' },
          { label: p.t(lang, 'complaint.privacy.confidential'), value: '/confidential' },
          { label: p.t(lang, 'complaint.privacy.anonymous'), value: '/anonymous' },
        ]);
      case 'name': {
        const offered = inbound?.displayName?.trim();
        return p.reply(lang, 'complaint.name.ask', {}, offered ? [{ label: p.t(lang, 'complaint.use', { value: offered }), value: '/use-name' }] : undefined);
      }
      case 'phone': {
        const offered = inbound && channelPhone(inbound);
        return p.reply(lang, 'complaint.phone.ask', {}, offered ? [{ label: p.t(lang, 'complaint.use', { value: offered }), value: '/use-phone' }] : undefined);
      }
      case 'consent':
        return p.reply(lang, 'complaint.consent', {}, yesNo('complaint.yes', 'complaint.no'));
      case 'edit': {
        const fields = draft.privacy === 'anonymous' ? (['category', 'description', 'location', 'photos', 'privacy'] as const)
          : (['category', 'description', 'location', 'photos', 'privacy', 'name', 'phone'] as const);
        return p.reply(lang, 'complaint.edit', {}, fields.map((f) => ({ label: p.t(lang, `complaint.field.${f}`), value: `/edit ${f}` })));
      }
      case 'confirm': {
        const loc = draft.location ? ('text' in draft.location ? draft.location.text : `📍 ${draft.location.lat.toFixed(5)}, ${draft.location.lon.toFixed(5)}`) : '—';
        return p.reply(lang, 'complaint.summary', {
          category: this.categoryName(lang, draft.category), description: draft.description ?? '', location: loc,
          photos: draft.photos.length ? p.count(lang, 'photo', draft.photos.length) : p.t(lang, 'complaint.summary.no-photos'), privacy: p.t(lang, `complaint.privacy.${draft.privacy ?? 'named'}`),
          identity: draft.privacy === 'anonymous' ? '' : p.t(lang, 'complaint.summary.identity', { name: draft.name ?? '—', phone: draft.phone ?? '—' }),
          consent: p.t(lang, draft.consent ? 'complaint.yes' : 'complaint.no'),
        }, [{ label: p.t(lang, 'complaint.confirm'), value: '/confirm' }, { label: p.t(lang, 'complaint.change'), value: '/edit' }, { label: p.t(lang, 'complaint.cancel'), value: '/cancel' }]);
      }
    }
  }
}

/** How long a chat keeps the codes it filed, and how many. */
const RECEIPTS_KEPT_MS = 24 * 60 * 60_000;
const RECEIPTS_KEPT = 5;

export function rememberReceipt(state: ChatState, code: string, now = Date.now()): void {
  const kept = (state.receipts ?? []).filter((r) => r.code !== code && now - r.at < RECEIPTS_KEPT_MS);
  state.receipts = [...kept.slice(-(RECEIPTS_KEPT - 1)), { code, at: now }];
}

export function recentReceipts(state: ChatState, now = Date.now()): string[] {
  return (state.receipts ?? []).filter((r) => now - r.at < RECEIPTS_KEPT_MS).map((r) => r.code);
}
