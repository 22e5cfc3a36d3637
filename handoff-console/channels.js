// Channels (admins only): link the municipality's WhatsApp phone by its QR code, see each channel's state, and the
// messages WhatsApp Cloud had to send as the approved template because the citizen's 24-hour window was closed.
import { get } from './api.js';
import { clear, h } from './dom.js';
import { since, t, tNodes, when } from './i18n.js';

const QR_IMAGE = /^data:image\/png;base64,[A-Za-z0-9+/=]+$/;
const REFRESH_MS = 3000;

function row(label, ...value) {
  return h('tr', {}, h('th', {}, label), h('td', {}, ...value));
}

function state(on, key, kind) {
  return h('span', { class: `badge state-${kind ?? (on ? 'ok' : 'off')}` }, t(key));
}

function whatsappWeb(ctx, wa) {
  const card = h('section', { class: 'card', id: 'channel-whatsapp-web' }, h('h2', {}, t('channels.whatsappWeb')));
  if (!wa.on) return clear(card, card.firstChild, state(false, 'channels.off'), h('p', { class: 'muted' }, t('channels.whatsappWeb.howOn')));
  const kind = { ready: 'ok', qr: 'warn', disconnected: 'warn', 'logged-out': 'bad' }[wa.state] ?? 'warn';
  const parts = [
    h('p', {}, h('span', { class: `badge state-${kind}`, id: 'whatsapp-web-state' }, t(`channels.wa.${wa.state}`)), ' ',
      h('span', { class: 'muted', dataset: { since: wa.since } }, t('channels.since', { time: since(wa.since, ctx.offset) }))),
  ];
  if (wa.loggedOutAt) {
    parts.push(h('p', { class: 'alert', role: 'alert', id: 'whatsapp-logged-out' }, tNodes('channels.wa.loggedOutMessage', { time: when(wa.loggedOutAt) })));
  }
  if (wa.state === 'ready') parts.push(h('table', { class: 'details' }, row(t('channels.wa.phone'), h('span', { dir: 'ltr' }, wa.phone ? `+${wa.phone}` : '—'))));
  if (wa.state === 'qr') {
    parts.push(h('p', {}, t('channels.wa.scan')));
    parts.push(wa.qr && QR_IMAGE.test(wa.qr)
      ? h('img', { src: wa.qr, id: 'whatsapp-qr', class: 'qr', alt: t('channels.wa.qrAlt'), width: 264, height: 264 })
      : h('p', { class: 'muted' }, t('channels.wa.qrWaiting')));
  }
  if (wa.state === 'disconnected') parts.push(h('p', { class: 'muted' }, t('channels.wa.reconnecting')));
  return clear(card, card.firstChild, ...parts);
}

function telegram(tg) {
  const card = h('section', { class: 'card', id: 'channel-telegram' }, h('h2', {}, t('channels.telegram')));
  if (!tg.on) return clear(card, card.firstChild, state(false, 'channels.off'), h('p', { class: 'muted' }, t('channels.telegram.howOn')));
  return clear(card, card.firstChild,
    state(tg.state === 'on', `channels.telegram.${tg.state ?? 'starting'}`, tg.state === 'on' ? 'ok' : tg.state === 'off' ? 'bad' : 'warn'),
    h('table', { class: 'details' },
      row(t('channels.telegram.bot'), h('span', { dir: 'ltr' }, tg.username ? `@${tg.username}` : '—')),
      row(t('channels.telegram.mode'), t(`channels.telegram.mode.${tg.mode ?? 'polling'}`))));
}

function whatsappCloud(wc) {
  const list = wc.templates.length
    ? h('div', { class: 'table-wrap' }, h('table', { class: 'list', id: 'template-deliveries' },
      h('thead', {}, h('tr', {}, h('th', {}, t('channels.cloud.when')), h('th', {}, t('channels.cloud.to')), h('th', {}, t('channels.cloud.template')))),
      h('tbody', {}, wc.templates.map((d) => h('tr', {},
        h('td', {}, when(d.at)), h('td', { dir: 'ltr' }, `+${d.user}`), h('td', { dir: 'ltr' }, d.template))))))
    : h('p', { class: 'muted' }, t('channels.cloud.none'));
  return h('section', { class: 'card', id: 'channel-whatsapp-cloud' },
    h('h2', {}, t('channels.whatsappCloud')),
    wc.on ? state(true, 'channels.on') : state(false, 'channels.offHere'),
    wc.on && wc.template ? h('table', { class: 'details' }, row(t('channels.cloud.template'), h('span', { dir: 'ltr' }, wc.template))) : null,
    h('h3', {}, t('channels.cloud.templatesTitle')),
    h('p', { class: 'muted' }, t('channels.cloud.templatesWhy')),
    list);
}

export async function renderChannels(view, ctx) {
  let shown = '';
  async function load() {
    const { now, ...c } = await get('/channels');
    ctx.offset = new Date(now).getTime() - Date.now();
    const key = JSON.stringify(c);
    if (key === shown) {
      for (const el of view.querySelectorAll('[data-since]')) el.textContent = t('channels.since', { time: since(el.dataset.since, ctx.offset) });
      return;
    }
    shown = key;
    clear(view, h('h1', {}, t('channels.title')), whatsappWeb(ctx, c.whatsappWeb), whatsappCloud(c.whatsappCloud), telegram(c.telegram));
  }
  await load();
  // The QR code changes every few seconds until the phone scans it; the state follows the session.
  let failing = false;
  const timer = setInterval(() => {
    if (!ctx.me) { clearInterval(timer); return; } // signed out
    load().then(() => { failing = false; }, (err) => { if (!failing) ctx.fail(err); failing = true; });
  }, REFRESH_MS);
  return () => clearInterval(timer);
}
