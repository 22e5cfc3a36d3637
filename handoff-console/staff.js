// @ts-check
// Staff accounts (admins only): create one (its one-time password is shown once, here), change role or
// department, disable, reset a password. The server audits every change.
import { get, post } from './api.js';
import { clear, field, formValues, h, select } from './dom.js';
import { named, t, when } from './i18n.js';

const ROLES = ['agent', 'supervisor', 'admin'];

/** `created`: the account just made and its one-time password, shown once above the list. */
export async function renderStaff(view, ctx, created) {
  const { accounts } = await get('/staff-accounts');
  const departments = [['', t('staff.noDepartment')], ...ctx.catalog.departments.map((d) => [d.id, named(d, d.id)])];
  const secret = h('div', { id: 'secret-slot' });

  function showPassword(username, password) {
    clear(secret, h('div', { class: 'card secret', id: 'one-time', role: 'alert' },
      h('p', {}, t('staff.oneTime', { name: username })),
      h('p', { class: 'password', dir: 'ltr', id: 'one-time-password' }, password),
      h('p', { class: 'muted' }, t('staff.oneTimeWhy'))));
  }

  const create = h('form', { class: 'card row wrap', id: 'staff-create' },
    field(t('signin.username'), h('input', { name: 'username', required: true, dir: 'ltr', maxlength: 32, pattern: '[a-z0-9][a-z0-9._\\-]{1,31}' })),
    field(t('staff.role'), select('role', ROLES.map((r) => [r, t(`role.${r}`)]), 'agent')),
    field(t('complaints.department'), select('department', departments, '')),
    h('button', { type: 'submit', class: 'primary' }, t('staff.create')));
  create.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const { account, password } = await post('/staff-accounts', formValues(create));
      // The password lives only in this box, never in the list, the URL or storage.
      await renderStaff(view, ctx, { username: account.username, password });
    } catch (err) { ctx.fail(err); }
  });

  const rows = accounts.map((a) => {
    const role = select('role', ROLES.map((r) => [r, t(`role.${r}`)]), a.role, { 'aria-label': `${t('staff.role')}: ${a.username}` });
    // Staff may work for several departments: pick one or more (none: the counter, the citizen office).
    const department = h('select', { name: 'departments', multiple: true, size: 3, 'aria-label': `${t('complaints.department')}: ${a.username}` },
      ...ctx.catalog.departments.map((d) => h('option', { value: d.id, selected: (a.departments ?? [a.department]).includes(d.id) }, named(d, d.id))));
    const disabled = h('input', { type: 'checkbox', name: 'disabled', checked: a.disabled, 'aria-label': `${t('staff.disabled')}: ${a.username}` });
    const self = a.username === ctx.me.username;
    const save = h('button', { type: 'button', class: 'save', onclick: async () => {
      try {
        await post(`/staff-accounts/${encodeURIComponent(a.username)}`, { role: role.value, departments: [...department.selectedOptions].map((o) => o.value), disabled: disabled.checked });
        ctx.toast(t('complaint.saved'));
        await renderStaff(view, ctx);
      } catch (err) { ctx.fail(err); }
    } }, t('complaint.save'));
    const reset = self ? null : h('button', { type: 'button', class: 'reset', onclick: async () => {
      try {
        const { password } = await post(`/staff-accounts/${encodeURIComponent(a.username)}/reset-password`, {});
        showPassword(a.username, password);
      } catch (err) { ctx.fail(err); }
    } }, t('staff.reset'));
    return h('tr', { dataset: { username: a.username }, class: a.disabled ? 'muted' : '' },
      h('td', { dir: 'ltr' }, a.username), h('td', {}, role), h('td', {}, department),
      h('td', {}, h('label', { class: 'check' }, disabled, t('staff.disabled'))),
      h('td', {}, a.lastSignInAt ? when(a.lastSignInAt) : '—'),
      h('td', {}, save, ' ', reset));
  });

  clear(view, h('section', { class: 'card' }, h('h1', {}, t('staff.title')), create, secret,
    h('table', { class: 'list', id: 'staff-list' },
      h('thead', {}, h('tr', {}, [t('signin.username'), t('staff.role'), t('complaints.department'), t('staff.state'), t('staff.lastSignIn'), ''].map((x) => h('th', {}, x)))),
      h('tbody', {}, rows))));
  if (created) showPassword(created.username, created.password);
}
