// @ts-check
// Overdue alerts: complaints whose deadline passed, for the department's staff and the citizen office.
import { get, post } from './api.js';
import { tx } from './my-work.js';
import { clear, h } from './dom.js';
import { named, t, when } from './i18n.js';

let polling;

/** Puts the number of alerts not seen yet on the menu's badge (hidden when there are none); checked every minute. */
export async function refreshAlertBadge() {
  const badge = document.getElementById('alert-count');
  if (!badge) return;
  if (!polling) polling = setInterval(() => { refreshAlertBadge().catch(() => undefined); }, 60_000);
  const { unseen } = await get('/alerts');
  badge.textContent = String(unseen);
  badge.hidden = unseen === 0;
}

export async function renderAlerts(view, ctx) {
  const { alerts, total } = await get('/alerts');
  const list = alerts.length
    ? h('table', { class: 'list', id: 'alerts' },
      h('thead', {}, h('tr', {}, [t('complaints.code'), t('complaints.department'), t('complaints.deadline'), t('alerts.at')].map((x) => h('th', {}, x)))),
      h('tbody', {}, alerts.map((a) => h('tr', { class: 'overdue' },
        h('td', {}, h('a', { href: `#/complaints/${a.code}`, dir: 'ltr' }, a.code), a.unseen ? h('span', { class: 'badge' }, tx('newAlert')) : null),
        h('td', {}, named(ctx.catalog.departments.find((d) => d.id === a.department), a.department)),
        h('td', {}, when(a.deadline), h('span', { class: 'badge warn' }, t('complaints.late'))),
        h('td', {}, when(a.at))))))
    : h('p', { class: 'muted' }, t('alerts.none'));
  const seen = h('button', { type: 'button', id: 'alerts-seen', onclick: async () => {
    try { await post('/alerts/seen', {}); await refreshAlertBadge(); await renderAlerts(view, ctx); } catch (err) { ctx.fail(err); }
  } }, tx('seen'));
  clear(view, h('section', { class: 'card' }, h('h1', {}, t('alerts.title', { total })), h('p', { class: 'muted' }, t('alerts.why')), alerts.length ? seen : null, list));
}
