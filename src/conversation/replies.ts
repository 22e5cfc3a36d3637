import type { Content, Counted } from '../content/load.js';
import { countOf } from '../text/numbers.js';
import type { ReplyKey, Service, Aspect, Text, Day } from '../content/schema.js';
import type { Lang } from '../text/language.js';
import type { Choice, Reply } from '../shared/message.js';

/** Sentences from knowledge/replies.yaml, with {placeholders} filled in. */
export class Phrasebook {
  constructor(private readonly content: Pick<Content, 'replies' | 'municipality' | 'services' | 'departments' | 'counts' | 'serviceGroups'>) {}

  t(lang: Lang, key: ReplyKey, vars: Record<string, string | number> = {}): string {
    const entry = this.content.replies[key];
    if (!entry) throw new Error(`knowledge/replies.yaml: no reply '${key}'`);
    return entry[lang].replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
  }

  reply(lang: Lang, key: ReplyKey, vars?: Record<string, string | number>, choices?: Choice[]): Reply {
    return { text: this.t(lang, key, vars), choices, lang };
  }

  menuChoices(lang: Lang): Choice[] {
    return [
      { label: this.t(lang, 'menu.services'), value: '/services' },
      { label: this.t(lang, 'menu.complaint'), value: '/complaint' },
      { label: this.t(lang, 'menu.book'), value: '/book' },
      { label: this.t(lang, 'menu.status'), value: '/status' },
      { label: this.t(lang, 'menu.agent'), value: '/agent' },
      { label: this.t(lang, 'menu.offices'), value: '/offices' },
    ];
  }

  /**
   * The services menu: the areas first (a phone shows five buttons, not 22), then the services of the area chosen,
   * with a way back. The channels draw the choices (buttons, or numbered lines on WhatsApp), so the text does not
   * repeat them.
   */
  serviceList(lang: Lang, groupId?: string): { text: string; choices: Choice[] } {
    const group = this.content.serviceGroups.find((g) => g.id === groupId);
    if (!group) {
      return {
        text: `${this.t(lang, 'services.areas')}\n${this.t(lang, 'services.pick')}`,
        choices: this.content.serviceGroups.map((g) => ({ label: g.name[lang], value: `/services ${g.id}` })),
      };
    }
    const services = group.services.map((id) => this.content.services.find((s) => s.id === id)).filter((s) => !!s);
    return {
      text: this.t(lang, 'services.area', { area: group.name[lang], count: this.count(lang, 'service', services.length) }),
      choices: [...services.map((s) => ({ label: s.name[lang], value: `/service ${s.id}` })), { label: this.t(lang, 'services.back'), value: '/services' }],
    };
  }

  /** "3 photos", "٣ صور", "صورتان": a number with the counted word in its grammatical form. */
  count(lang: Lang, unit: Counted, n: number): string {
    const forms = this.content.counts[unit];
    return forms ? countOf(lang, n, forms[lang]) : String(n);
  }

  money(lang: Lang, amount: number): string {
    const c = this.content.municipality.currency;
    return c.forms ? countOf(lang, amount, c.forms[lang]) : `${amount} ${c[lang]}`;
  }

  private branchName(lang: Lang, id: string): string {
    return this.content.municipality.branches.find((b) => b.id === id)?.name[lang] ?? id;
  }

  private section(lang: Lang, service: Service, aspect: Aspect | 'conditions' | 'online'): string {
    const l = (x: Text) => x[lang];
    switch (aspect) {
      case 'documents':
        return `${this.t(lang, 'service.documents')}\n${service.documents.map((d, i) => `${i + 1}. ${l(d.name)}${d.note ? ` (${l(d.note)})` : ''}`).join('\n')}`;
      case 'fees': {
        // French puts a space before a colon.
        const colon = lang === 'fr' ? ' :' : ':';
        const fees = service.fees.map((f) => `• ${l(f.label)}${colon} ${f.free ? this.t(lang, 'service.free') : this.money(lang, f.amount ?? 0)}${f.note ? ` (${l(f.note)})` : ''}`);
        return `${this.t(lang, 'service.fees')}\n${fees.join('\n')}\n${this.t(lang, 'service.payment')} ${l(service.payment)}`;
      }
      case 'duration':
        return `${this.t(lang, 'service.duration')} ${l(service.duration.text)}`;
      case 'location':
        return `${this.t(lang, 'service.where')} ${this.branchName(lang, service.where.branch)} – ${l(service.where.window)}`;
      case 'steps':
        return `${this.t(lang, 'service.steps')}\n${service.steps.map((s, i) => `${i + 1}. ${l(s)}`).join('\n')}`;
      case 'conditions':
        return service.conditions.length ? `${this.t(lang, 'service.conditions')}\n${service.conditions.map((c) => `• ${l(c)}`).join('\n')}` : '';
      case 'online':
        return `${this.t(lang, service.online.possible ? 'service.online' : 'service.online.no')} ${l(service.online.note)}`;
    }
  }

  /**
   * A service answer sized for a phone: one aspect when one was asked, else documents, fees, time and place,
   * with "more" for the steps, conditions and online options.
   */
  serviceAnswer(lang: Lang, service: Service, aspect: Aspect | null, more: boolean): Reply {
    const header = this.t(lang, 'service.header', { name: service.name[lang] });
    let parts: string[];
    if (more) parts = [this.section(lang, service, 'steps'), this.section(lang, service, 'conditions'), this.section(lang, service, 'online')];
    else if (aspect) parts = [this.section(lang, service, aspect)];
    else parts = [service.summary[lang], this.section(lang, service, 'documents'), this.section(lang, service, 'fees'),
      this.section(lang, service, 'duration'), this.section(lang, service, 'location')];
    const shown = new Set<string>(more ? ['steps', 'more'] : aspect ? [aspect] : ['documents', 'fees', 'duration', 'location']);
    const choices: Choice[] = [];
    for (const [key, value] of [['documents', 'choice.documents'], ['fees', 'choice.fees'], ['duration', 'choice.duration'], ['location', 'choice.where'], ['steps', 'choice.steps']] as const) {
      if (!shown.has(key)) choices.push({ label: this.t(lang, value), value: `/aspect ${key}` });
    }
    if (!more) choices.push({ label: this.t(lang, 'choice.more'), value: '/more' });
    const footer = more ? '' : `\n\n${this.t(lang, 'service.more')}`;
    return { text: `${header}\n${parts.filter(Boolean).join('\n\n')}${footer}`, choices, lang };
  }

  officeInfo(lang: Lang): Reply {
    const m = this.content.municipality;
    const days = (d: string[]) => d.map((x) => this.t(lang, `day.${x as Day}`)).join('، '.replace('، ', lang === 'ar' ? '، ' : ', '));
    const branches = m.branches.map((b) => this.t(lang, 'office.branch', {
      name: b.name[lang], address: b.address[lang], phone: b.phone,
      hours: b.hours.map((h) => `${days(h.days)} ${h.open}–${h.close}`).join('; '),
    }));
    return { text: `${this.t(lang, 'office.info', { name: m.name[lang], phone: m.phone })}\n\n${branches.join('\n\n')}`, lang };
  }

  accessibility(lang: Lang): Reply {
    const a = this.content.municipality.accessibility;
    const lines = [a.dedicatedWindow[lang], a.wheelchairEntrance[lang], a.parking[lang], a.notes?.[lang]].filter(Boolean).map((x) => `• ${x}`);
    return { text: `${this.t(lang, 'accessibility')}\n${lines.join('\n')}`, lang };
  }
}
