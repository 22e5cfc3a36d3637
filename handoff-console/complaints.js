// Complaints: filter the list, open one, change its status (the citizen is notified) or its department.
import { get, post } from './api.js';
import { clear, field, formValues, h, select, phoneLink, latest } from './dom.js';
import { currentLang, named, t, when } from './i18n.js';
import { locationMap, photoStrip } from './complaint-map.js';
import { assignmentForm, tx } from './my-work.js';

const statusName = (ctx, s) => ctx.catalog.statusNames?.complaint?.[s]?.[currentLang()] ?? s;

const PAGE = 50;

export async function renderComplaints(view, ctx) {
  const c = ctx.catalog;
  const params = new URLSearchParams(sessionStorage.getItem('nafidha.console.filters') || '');
  // "My work": a department's staff start on (and can only choose) their own department; the server enforces it.
  const own = ctx.me.role === 'agent' ? (ctx.me.departments?.length ? ctx.me.departments : [ctx.me.department].filter(Boolean)) : [];
  const mine = own.length === 1 ? own[0] : '';
  const departments = own.length ? c.departments.filter((d) => own.includes(d.id)) : c.departments;
  const form = h('form', { class: 'row wrap filters', id: 'complaint-filters' },
    field(t('complaints.department'), select('department', [...(mine ? [] : [['', t('any')]]), ...departments.map((d) => [d.id, named(d, d.id)])], mine || params.get('department') || '')),
    field(t('complaints.status'), select('status', [['', t('any')], ...c.complaintStatuses.map((s) => [s, statusName(ctx, s)])], params.get('status') || '')),
    field(t('complaints.category'), select('category', [['', t('any')], ...c.categories.map((x) => [x.id, named(x, x.id)])], params.get('category') || '')),
    field(t('complaints.from'), h('input', { type: 'date', name: 'from', value: params.get('from') || '' })),
    field(t('complaints.to'), h('input', { type: 'date', name: 'to', value: params.get('to') || '' })),
    field(t('complaints.sort'), select('sort', ['newest', 'oldest', 'deadline'].map((x) => [x, t(`complaints.sort.${x}`)]), params.get('sort') || 'newest')),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'overdue', value: '1', checked: params.get('overdue') === '1' }), t('complaints.overdue')),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'dueSoon', value: '1', checked: params.get('dueSoon') === '1' }), tx('dueSoonFilter')),
    h('button', { type: 'submit', class: 'primary' }, t('complaints.filter')));
  const table = h('div', { class: 'table-wrap' });
  const pager = h('div', { class: 'row pager', id: 'complaint-pager' });
  clear(view, h('section', { class: 'card' }, h('h1', {}, own.length ? t('complaints.mine') : t('complaints.title')), form, table, pager));
  let page = 1;

  const turn = latest();
  async function load() {
    const current = turn();
    const query = new URLSearchParams(Object.entries(formValues(form)).filter(([, v]) => v));
    sessionStorage.setItem('nafidha.console.filters', query.toString());
    query.set('page', String(page));
    query.set('size', String(PAGE));
    const { complaints, total } = await get(`/complaints?${query}`);
    if (!current()) return;
    const pages = Math.max(1, Math.ceil(total / PAGE));
    clear(pager,
      h('button', { type: 'button', id: 'page-prev', disabled: page <= 1, onclick: () => { page--; load().catch(ctx.fail); } }, t('complaints.prev')),
      h('span', { id: 'page-info' }, t('complaints.page', { page, pages, total })),
      h('button', { type: 'button', id: 'page-next', disabled: page >= pages, onclick: () => { page++; load().catch(ctx.fail); } }, t('complaints.next')));
    if (!complaints.length) { clear(table, h('p', { class: 'muted' }, t('complaints.none'))); return; }
    clear(table, h('table', { class: 'list' },
      h('thead', {}, h('tr', {}, [t('complaints.code'), t('complaints.category'), t('complaints.department'), t('complaints.status'), tx('assignee'), t('complaints.created'), t('complaints.deadline')].map((x) => h('th', {}, x)))),
      h('tbody', {}, complaints.map((x) => h('tr', { class: x.overdue ? 'overdue' : '' },
        h('td', {}, h('a', { href: `#/complaints/${x.code}`, dir: 'ltr' }, x.code)),
        h('td', {}, named(c.categories.find((k) => k.id === x.category), x.category)),
        h('td', {}, named(c.departments.find((d) => d.id === x.department), x.department)),
        h('td', {}, statusName(ctx, x.status)),
        h('td', { dir: 'ltr' }, x.assignee ?? '—'),
        h('td', {}, when(x.createdAt)),
        h('td', {}, when(x.deadline), x.overdue ? h('span', { class: 'badge warn' }, t('complaints.late')) : null))))));
  }
  form.addEventListener('submit', (e) => { e.preventDefault(); page = 1; load().catch(ctx.fail); });
  await load();
}

export async function renderComplaint(view, ctx, code) {
  const c = ctx.catalog;
  let { complaint, canSeeIdentity } = await get(`/complaints/${encodeURIComponent(code)}`);
  const reporter = h('div', { id: 'reporter' });

  function showReporter(r) {
    if (!r) { clear(reporter, '—'); return; }
    const contact = r.contact ? `${t(`channel.${r.contact.channel}`)} ${r.contact.user}` : '';
    const parts = [r.name && h('bdi', {}, r.name), r.phone && phoneLink(r.phone), r.email && h('bdi', {}, r.email), contact && h('bdi', {}, contact)].filter(Boolean);
    clear(reporter, parts.length ? parts.flatMap((x, i) => (i ? [' · ', x] : [x])) : '—');
  }
  if (complaint.identityHidden) {
    clear(reporter, h('span', { class: 'muted' }, t('complaint.hidden')), ' ',
      canSeeIdentity ? h('button', { type: 'button', id: 'reveal', onclick: async () => {
        try { showReporter((await get(`/complaints/${encodeURIComponent(code)}/reporter`)).reporter); } catch (err) { ctx.fail(err); }
      } }, t('complaint.reveal')) : null);
  } else {
    showReporter(complaint.reporter);
  }

  const statusForm = h('form', { class: 'stack', id: 'status-form' },
    field(t('complaints.status'), select('status', c.complaintStatuses.map((s) => [s, statusName(ctx, s)]), complaint.status)),
    field(t('complaint.note'), h('textarea', { name: 'note', rows: 2, dir: 'auto', maxlength: 2000 })),
    h('button', { type: 'submit', class: 'primary' }, t('complaint.save')));
  statusForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const result = await post(`/complaints/${encodeURIComponent(code)}/status`, formValues(statusForm));
      ctx.toast(result.notified ? t('complaint.notified') : t('complaint.saved'));
      renderComplaint(view, ctx, code);
    } catch (err) { ctx.fail(err); }
  });
  const moveForm = h('form', { class: 'stack', id: 'department-form' },
    field(t('complaint.reassign'), select('department', c.departments.map((d) => [d.id, named(d, d.id)]), complaint.department)),
    h('input', { name: 'note', dir: 'auto', maxlength: 2000, 'aria-label': t('complaint.note') }),
    h('button', { type: 'submit' }, t('complaint.save')));
  moveForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    try { await post(`/complaints/${encodeURIComponent(code)}/department`, formValues(moveForm)); ctx.toast(t('complaint.saved')); renderComplaint(view, ctx, code); } catch (err) { ctx.fail(err); }
  });

  const assign = ['received', 'in-progress', 'reopened'].includes(complaint.status) ? await assignmentForm(complaint, ctx, () => renderComplaint(view, ctx, code)) : null;
  const loc = complaint.location ? (complaint.location.text ?? `${complaint.location.lat}, ${complaint.location.lon}`) : '—';
  const map = locationMap(complaint, c.bounds);
  const row = (label, value) => h('tr', {}, h('th', {}, label), h('td', { dir: 'auto' }, value));
  clear(view, h('section', { class: 'card' },
    h('a', { href: '#/complaints', class: 'back' }, t('complaints.title')),
    h('h1', { dir: 'ltr' }, complaint.code),
    h('table', { class: 'details' },
      row(t('complaints.category'), named(c.categories.find((k) => k.id === complaint.category), complaint.category)),
      row(t('complaints.department'), named(c.departments.find((d) => d.id === complaint.department), complaint.department)),
      row(t('complaints.status'), statusName(ctx, complaint.status)),
      row(t('complaints.deadline'), when(complaint.deadline)),
      row(tx('assignee'), complaint.assignee ?? '—'),
      row(t('complaint.privacy'), t(`privacy.${complaint.privacy}`)),
      h('tr', {}, h('th', {}, t('complaint.reporter')), h('td', {}, reporter)),
      row(t('complaint.location'), loc),
      row(t('complaint.description'), complaint.description),
      h('tr', {}, h('th', {}, t('complaint.photos')), h('td', {}, photoStrip(complaint)))),
    map ? h('h2', {}, t('complaint.map')) : null, map ?? null,
    h('h2', {}, t('complaint.history')),
    h('ul', { class: 'history' }, complaint.history.map((x) => h('li', { dir: 'auto' }, when(x.at), ` · ${x.by === 'citizen' ? t('from.citizen') : x.by}${x.status ? ` · ${statusName(ctx, x.status)}` : ''}${x.note ? ` · ${x.note}` : ''}`)))),
  h('section', { class: 'card row wrap' }, assign, statusForm, moveForm));
}
