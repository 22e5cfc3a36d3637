// Applications at the counter: register one and print the receipt; find one and update its status.
import { get, post } from './api.js';
import { clear, field, formValues, h, select, phoneLink, latest } from './dom.js';
import { citizenLanguages, currentLang, named, t, when } from './i18n.js';

const statusName = (ctx, s) => ctx.catalog.statusNames?.application?.[s]?.[currentLang()] ?? s;

function applicationCard(ctx, a, reload) {
  const service = named(ctx.catalog.services.find((s) => s.id === a.service), a.service);
  const statusForm = h('form', { class: 'stack', id: 'app-status-form' },
    field(t('apps.status'), select('status', ctx.catalog.applicationStatuses.map((s) => [s, statusName(ctx, s)]), a.status)),
    field(t('apps.missing'), h('textarea', { name: 'missingDocuments', rows: 3, dir: 'auto', value: a.missingDocuments.join('\n') })),
    field(t('apps.reason'), h('input', { name: 'reason', dir: 'auto' })),
    field(t('apps.note'), h('input', { name: 'note', dir: 'auto' })),
    h('button', { type: 'submit', class: 'primary' }, t('apps.update')));
  statusForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const v = formValues(statusForm);
    try {
      await post(`/applications/${encodeURIComponent(a.code)}/status`, { ...v, missingDocuments: v.missingDocuments.split('\n').map((x) => x.trim()).filter(Boolean) });
      ctx.toast(t('complaint.saved'));
      reload(a.code);
    } catch (err) { ctx.fail(err); }
  });
  return h('section', { class: 'card', id: 'application' },
    h('h2', { dir: 'ltr' }, a.code),
    h('table', { class: 'details' },
      h('tr', {}, h('th', {}, t('apps.service')), h('td', {}, service)),
      h('tr', {}, h('th', {}, t('apps.name')), h('td', { dir: 'auto' }, a.applicant.name)),
      h('tr', {}, h('th', {}, t('apps.phone')), h('td', {}, phoneLink(a.applicant.phone))),
      h('tr', {}, h('th', {}, t('apps.status')), h('td', {}, statusName(ctx, a.status))),
      h('tr', {}, h('th', {}, t('apps.expected')), h('td', {}, when(a.expectedBy, { dayOnly: true }))),
      a.missingDocuments.length ? h('tr', {}, h('th', {}, t('apps.missing')), h('td', { dir: 'auto' }, a.missingDocuments.join('، '))) : null),
    h('a', { href: `/console/receipt/${encodeURIComponent(a.code)}`, target: '_blank', rel: 'noopener', class: 'button', id: 'receipt-link' }, t('apps.receipt')),
    ['approved', 'rejected', 'delivered'].includes(a.status)
      ? h('a', { href: `/console/decision/${encodeURIComponent(a.code)}`, target: '_blank', rel: 'noopener', class: 'button', id: 'decision-link' }, t('apps.decision'))
      : null,
    h('ul', { class: 'history' }, a.history.map((x) => h('li', { dir: 'auto' }, when(x.at), ` · ${x.by === 'citizen' ? t('from.citizen') : x.by}${x.status ? ` · ${statusName(ctx, x.status)}` : ''}${x.note ? ` · ${x.note}` : ''}`))),
    statusForm);
}

export async function renderApplications(view, ctx, code) {
  const c = ctx.catalog;
  const shown = h('div', { id: 'application-slot' });
  const register = h('form', { class: 'card stack', id: 'register-form' },
    h('h1', {}, t('apps.register')),
    field(t('apps.service'), select('service', c.services.map((s) => [s.id, named(s, s.id)]), c.services[0]?.id)),
    h('div', { class: 'row wrap' },
      field(t('apps.name'), h('input', { name: 'name', required: true, dir: 'auto', maxlength: 100 })),
      field(t('apps.phone'), h('input', { name: 'phone', required: true, dir: 'ltr', maxlength: 40 }))),
    h('div', { class: 'row wrap' },
      field(t('file.channel'), select('channel', [['', t('file.none')], ['whatsapp', t('channel.whatsapp')], ['telegram', t('channel.telegram')]], '')),
      field(t('file.user'), h('input', { name: 'user', dir: 'ltr', maxlength: 100 }))),
    field(t('file.lang'), select('lang', citizenLanguages(ctx.catalog), 'ar')),
    h('button', { type: 'submit', class: 'primary' }, t('apps.submit')));
  const find = h('form', { class: 'card row', id: 'find-form' },
    field(t('apps.find'), h('input', { name: 'code', dir: 'ltr', required: true, value: code || '' })),
    h('button', { type: 'submit' }, t('apps.open')));

  async function open(which) {
    try {
      const { application } = await get(`/applications/${encodeURIComponent(which)}`);
      clear(shown, applicationCard(ctx, application, open));
    } catch (err) { ctx.fail(err); }
  }
  register.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const { application } = await post('/applications', formValues(register));
      ctx.toast(t('apps.registered'));
      register.reset();
      clear(shown, applicationCard(ctx, application, open));
    } catch (err) { ctx.fail(err); }
  });
  find.addEventListener('submit', (e) => { e.preventDefault(); open(formValues(find).code); });
  const registry = h('section', { class: 'card', id: 'registry' });
  clear(view, h('div', { class: 'two-col' }, register, h('div', {}, find, shown)), registry);
  await renderRegistry(registry, ctx, open);
  if (code) await open(code);
}

const PAGE = 50;

/** The registry: every application by status, service, overdue against its expected day; paged by the server. */
async function renderRegistry(box, ctx, open) {
  const c = ctx.catalog;
  const form = h('form', { class: 'row wrap filters', id: 'registry-filters' },
    field(t('apps.status'), select('status', [['', t('any')], ...c.applicationStatuses.map((s) => [s, statusName(ctx, s)])], '')),
    field(t('apps.service'), select('service', [['', t('any')], ...c.services.map((s) => [s.id, named(s, s.id)])], '')),
    field(t('complaints.sort'), select('sort', ['newest', 'oldest', 'expected'].map((x) => [x, t(`apps.sort.${x}`)]), 'newest')),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'overdue', value: '1' }), t('apps.overdue')),
    h('button', { type: 'submit', class: 'primary' }, t('complaints.filter')));
  const table = h('div', { class: 'table-wrap' });
  const pager = h('div', { class: 'row pager' });
  clear(box, h('h1', {}, t('apps.registry')), form, table, pager);
  let page = 1;
  const turn = latest();
  async function load() {
    const current = turn();
    const query = new URLSearchParams(Object.entries(formValues(form)).filter(([, v]) => v));
    query.set('page', String(page));
    query.set('size', String(PAGE));
    const { applications, total } = await get(`/applications?${query}`);
    if (!current()) return;
    const pages = Math.max(1, Math.ceil(total / PAGE));
    clear(pager,
      h('button', { type: 'button', disabled: page <= 1, onclick: () => { page--; load().catch(ctx.fail); } }, t('complaints.prev')),
      h('span', { id: 'registry-info' }, t('apps.page', { page, pages, total })),
      h('button', { type: 'button', disabled: page >= pages, onclick: () => { page++; load().catch(ctx.fail); } }, t('complaints.next')));
    if (!applications.length) { clear(table, h('p', { class: 'muted' }, t('apps.none'))); return; }
    clear(table, h('table', { class: 'list' },
      h('thead', {}, h('tr', {}, [t('apps.code'), t('apps.service'), t('apps.name'), t('apps.status'), t('apps.expected')].map((x) => h('th', {}, x)))),
      h('tbody', {}, applications.map((a) => h('tr', { class: a.overdue ? 'overdue' : '' },
        h('td', {}, h('a', { href: `#/applications/${a.code}`, dir: 'ltr', onclick: (e) => { e.preventDefault(); open(a.code); } }, a.code)),
        h('td', {}, named(c.services.find((s) => s.id === a.service), a.service)),
        h('td', { dir: 'auto' }, a.applicant.name),
        h('td', {}, statusName(ctx, a.status)),
        h('td', {}, when(a.expectedBy, { dayOnly: true }), a.overdue ? h('span', { class: 'badge warn' }, t('complaints.late')) : null))))));
  }
  form.addEventListener('submit', (e) => { e.preventDefault(); page = 1; load().catch(ctx.fail); });
  await load();
}
