// The queue: conversations waiting for staff, oldest first; new ones appear as they arrive.
import { get } from './api.js';
import { clear, h } from './dom.js';
import { named, since, t } from './i18n.js';

function department(ctx, id) {
  return named(ctx.catalog?.departments.find((d) => d.id === id), id);
}

/**
 * Who is waiting: their name when the server may say it (given in the chat, or the Telegram/WhatsApp profile's),
 * else their chat id (a WhatsApp number is a tel: link), else the web chat; never who filed a confidential complaint.
 */
function who(hoff) {
  const name = hoff.name ? h('bdi', { class: 'name', dir: 'auto' }, hoff.name) : null;
  if (!hoff.contact) {
    if (name) return h('span', { class: 'who' }, name);
    return h('span', { class: 'who muted' }, hoff.channel === 'web' ? t('queue.web') : t('queue.hiddenWho'));
  }
  const phone = /^whatsapp/.test(hoff.channel) && /^\+?\d{6,15}$/.test(hoff.contact);
  const contact = phone
    ? h('a', { href: `tel:+${hoff.contact.replace(/^\+/, '')}`, dir: 'ltr' }, h('bdi', {}, `+${hoff.contact.replace(/^\+/, '')}`))
    : h('bdi', { dir: 'ltr', class: 'contact' }, hoff.contact);
  return h('span', { class: 'who' }, ...(name ? [name, ' · ', contact] : [contact]));
}

function item(ctx, hoff) {
  const waitedText = t('queue.waited', { time: since(hoff.queuedAt, ctx.offset) });
  // How long, to read; since when, in its tooltip and datetime (as every moment the console shows).
  const queuedAt = new Date(hoff.queuedAt).toISOString();
  const waited = h('time', { class: 'waited', datetime: queuedAt, title: queuedAt, dataset: { since: hoff.queuedAt } }, waitedText);
  const open = h('a', {
    href: `#/conversation/${encodeURIComponent(hoff.id)}`, class: 'open button',
    'aria-label': `${t('queue.open')}: ${t(`reason.${hoff.reason}`)}، ${t(`channel.${hoff.channel}`)}`,
  }, t('queue.open'));
  return h('li', { class: `queue-item ${hoff.status}`, dataset: { id: hoff.id } },
    h('div', { class: 'row' },
      h('span', { class: `badge reason-${hoff.reason}` }, t(`reason.${hoff.reason}`)),
      h('span', { class: 'badge' }, t(`channel.${hoff.channel}`)),
      h('span', { class: 'badge' }, t(`lang.${hoff.lang}`)),
      who(hoff),
      hoff.status === 'held' ? h('span', { class: 'badge held' }, t('status.held', { name: hoff.heldBy })) : waited,
      hoff.outOfHours ? h('span', { class: 'badge warn' }, t('queue.outOfHours')) : null,
      hoff.department ? h('span', { class: 'badge' }, t('queue.department', { name: department(ctx, hoff.department) })) : null,
      h('span', { class: 'spacer' }),
      open),
    hoff.last ? h('p', { class: 'preview' }, t('queue.last', { text: '' }), h('bdi', { dir: 'auto', class: 'last' }, hoff.last.text)) : null);
}

export async function renderQueue(view, ctx) {
  const waiting = h('ul', { class: 'queue', id: 'queue-waiting' });
  const held = h('ul', { class: 'queue', id: 'queue-held' });
  clear(view, h('section', { class: 'card' }, h('h1', {}, t('queue.title')), waiting), h('section', { class: 'card' }, h('h2', {}, t('queue.held')), held));

  async function load() {
    const q = await get('/queue');
    ctx.offset = new Date(q.now).getTime() - Date.now();
    clear(waiting, q.waiting.length ? q.waiting.map((x) => item(ctx, x)) : h('li', { class: 'empty' }, t('queue.empty')));
    clear(held, q.held.map((x) => item(ctx, x)));
  }
  await load();

  let pending;
  const off = ctx.on((type) => {
    if (type !== 'handoff' && type !== 'resync' && type !== 'line') return false;
    clearTimeout(pending);
    pending = setTimeout(() => load().catch(ctx.fail), 100);
    return true;
  });
  const ticker = setInterval(() => {
    for (const el of view.querySelectorAll('.waited')) el.textContent = t('queue.waited', { time: since(el.dataset.since, ctx.offset) });
  }, 1000);
  return () => { off(); clearInterval(ticker); clearTimeout(pending); };
}
