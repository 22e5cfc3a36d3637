// @ts-check
// "My work": today's digest of my departments, what is assigned to me, and what waits for someone in my
// departments (earliest deadline first, answered by the server's queue documents); taking and assigning a complaint.
import { get, post } from './api.js';
import { clear, h, select } from './dom.js';
import { currentLang, named, t, when } from './i18n.js';

const TEXTS = {
  ar: {
    title: 'عملي', digest: 'ملخص اليوم', digestNone: 'لم يُعدّ ملخص اليوم بعد (يُعدّ صباح كل يوم).',
    overdue: 'متأخرة', dueSoon: 'تستحق خلال يوم عمل', waiting: 'جديدة بلا موظف', mine: 'المسندة إليّ', unassigned: 'تنتظر من يتولاها في أقسامي',
    none: 'لا شيء هنا.', take: 'أتولاها', taken: 'صارت الشكوى في عملك.', assignee: 'المسؤول عنها', nobody: 'لا أحد (في قائمة القسم)',
    assign: 'إسناد', assigned: 'حُفظ الإسناد.', dueSoonFilter: 'تستحق قريباً', count: '{n}', seen: 'اطّلعت عليها', newAlert: 'جديد',
  },
  en: {
    title: 'My work', digest: "Today's digest", digestNone: "Today's digest is not made yet (it is made every morning).",
    overdue: 'Overdue', dueSoon: 'Due within a working day', waiting: 'New, nobody on it', mine: 'Assigned to me', unassigned: 'Waiting for someone in my departments',
    none: 'Nothing here.', take: 'Take it', taken: 'The complaint is in your work now.', assignee: 'Assigned to', nobody: "Nobody (the department's queue)",
    assign: 'Assign', assigned: 'Assignment saved.', dueSoonFilter: 'Due soon', count: '{n}', seen: 'Mark as seen', newAlert: 'new',
  },
};

/** This module's texts in the console's language. */
export function tx(key, vars = {}) {
  const text = TEXTS[currentLang()][key] ?? TEXTS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

function rows(ctx, complaints, action) {
  const c = ctx.catalog;
  if (!complaints.length) return h('p', { class: 'muted' }, tx('none'));
  return h('table', { class: 'list' },
    h('thead', {}, h('tr', {}, [t('complaints.code'), t('complaints.category'), t('complaints.department'), t('complaints.deadline'), ''].map((x) => h('th', {}, x)))),
    h('tbody', {}, complaints.map((x) => h('tr', { class: x.overdue ? 'overdue' : '', 'data-code': x.code },
      h('td', {}, h('a', { href: `#/complaints/${x.code}`, dir: 'ltr' }, x.code)),
      h('td', {}, named(c.categories.find((k) => k.id === x.category), x.category)),
      h('td', {}, named(c.departments.find((d) => d.id === x.department), x.department)),
      h('td', {}, when(x.deadline), x.overdue ? h('span', { class: 'badge warn' }, t('complaints.late')) : null),
      h('td', {}, action ? action(x) : null)))));
}

export async function renderMyWork(view, ctx) {
  const c = ctx.catalog;
  const digestBox = h('section', { class: 'card', id: 'digest' });
  const mineBox = h('div', { id: 'my-assigned' });
  const waitingBox = h('div', { id: 'my-waiting' });
  clear(view, h('section', { class: 'card' }, h('h1', {}, tx('title')),
    h('h2', {}, tx('mine')), mineBox, h('h2', {}, tx('unassigned')), waitingBox), digestBox);

  async function load() {
    const [{ digests }, mine, waiting] = await Promise.all([
      get('/digests'), get('/complaints?assignee=me&size=50'), get('/complaints?assignee=none&size=50'),
    ]);
    clear(digestBox, h('h2', {}, tx('digest')), digests.length
      ? h('table', { class: 'list', id: 'digest-table' },
        h('thead', {}, h('tr', {}, [t('complaints.department'), tx('overdue'), tx('dueSoon'), tx('waiting')].map((x) => h('th', {}, x)))),
        h('tbody', {}, digests.map((d) => h('tr', { 'data-department': d.department },
          h('td', {}, named(c.departments.find((x) => x.id === d.department), d.department)),
          h('td', { class: d.overdue ? 'late' : '' }, String(d.overdue)), h('td', {}, String(d.dueSoon)), h('td', {}, String(d.waiting))))))
      : h('p', { class: 'muted' }, tx('digestNone')));
    clear(mineBox, rows(ctx, mine.complaints));
    clear(waitingBox, rows(ctx, waiting.complaints, (x) => h('button', { type: 'button', class: 'take', onclick: async () => {
      try { await post(`/complaints/${encodeURIComponent(x.code)}/assignee`, { assignee: 'me' }); ctx.toast(tx('taken')); await load(); } catch (err) { ctx.fail(err); }
    } }, tx('take'))));
  }
  await load();
}

/** The complaint view's assignment: a colleague who works on its department, or back to the queue. */
export async function assignmentForm(complaint, ctx, reload) {
  const { staff } = await get('/staff');
  const eligible = staff.filter((s) => s.role !== 'agent' || !s.departments?.length || s.departments.includes(complaint.department));
  const choice = select('assignee', [['', tx('nobody')], ...eligible.map((s) => [s.username, s.username])], complaint.assignee ?? '');
  const form = h('form', { class: 'stack', id: 'assignee-form' },
    h('label', {}, tx('assignee'), choice),
    h('div', { class: 'row' },
      h('button', { type: 'submit' }, tx('assign')),
      complaint.assignee === ctx.me.username ? null : h('button', { type: 'button', id: 'take', class: 'primary', onclick: () => save('me') }, tx('take'))));
  async function save(assignee) {
    try { await post(`/complaints/${encodeURIComponent(complaint.code)}/assignee`, { assignee, from: complaint.assignee ?? null }); ctx.toast(tx('assigned')); reload(); } catch (err) { ctx.fail(err); }
  }
  form.addEventListener('submit', (e) => { e.preventDefault(); save(choice.value); });
  return form;
}
