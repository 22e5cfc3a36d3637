// @ts-check
// Appointments: a branch's day (arrivals, no-shows, cancellations) and booking for a caller or a walk-in citizen.
import { api, get, post } from './api.js';
import { clear, field, formValues, h, latest, select, phoneLink } from './dom.js';
import { citizenLanguages, named, t } from './i18n.js';

const today = () => new Date().toLocaleDateString('en-CA');
// Staff words for a booking's status (the citizens' wording is theirs: "you have arrived").
const statusName = (_ctx, s) => t(`book.status.${s}`);

export async function renderBookings(view, ctx) {
  const { branches } = await get('/bookings/catalog');
  let branch = branches[0]?.id;
  let day = today();
  const list = h('div', { class: 'table-wrap', id: 'bookings-day' });
  const picker = h('form', { class: 'card row wrap', id: 'bookings-picker' },
    field(t('book.branch'), select('branch', branches.map((b) => [b.id, named(b, b.id)]), branch)),
    field(t('book.day'), h('input', { type: 'date', name: 'day', value: day, required: true })),
    h('button', { type: 'submit' }, t('book.show')));
  // Meeting requests are answered by the citizen office (the server checks the role too).
  const office = ctx.me.role === 'supervisor' || ctx.me.role === 'admin';
  const slotSelect = h('select', { name: 'time', required: true, id: 'book-time' });
  const serviceSelect = h('select', { name: 'service', id: 'book-service' });
  const form = h('form', { class: 'card stack', id: 'book-form' },
    h('h2', {}, t('book.for-caller')),
    field(t('book.service'), serviceSelect),
    field(t('book.time'), slotSelect),
    h('div', { class: 'row wrap' },
      field(t('apps.name'), h('input', { name: 'name', required: true, dir: 'auto', maxlength: 100 })),
      field(t('apps.phone'), h('input', { name: 'phone', required: true, dir: 'ltr', maxlength: 40 }))),
    field(t('file.lang'), select('lang', citizenLanguages(ctx.catalog), 'ar')),
    h('button', { type: 'submit', class: 'primary' }, t('book.submit')));

  // Closing counters (a clerk is absent) or the whole centre (supervisors only; the server checks it too).
  const blockService = h('select', { name: 'service', id: 'block-service' });
  const blocks = h('ul', { class: 'stack', id: 'bookings-blocks' });
  const blockForm = h('form', { class: 'card stack', id: 'block-form' },
    h('h2', {}, t('book.block')),
    field(t('book.service'), blockService),
    h('div', { class: 'row wrap' },
      field(t('book.block.from'), h('input', { type: 'time', name: 'from' })),
      field(t('book.block.to'), h('input', { type: 'time', name: 'to' })),
      field(t('book.block.counters'), h('input', { type: 'number', name: 'counters', min: 1, max: 20, value: 1, ...(office ? {} : { required: true }) }))),
    field(t('book.block.reason'), h('input', { name: 'reason', required: true, dir: 'auto', maxlength: 300 })),
    h('button', { type: 'submit' }, t('book.block.submit')), blocks);

  function fillServices() {
    const b = branches.find((x) => x.id === branch);
    clear(serviceSelect, ...(b?.services ?? []).map((s) => h('option', { value: s.id }, named(s, s.id))));
    clear(blockService, h('option', { value: '' }, t('book.block.all')), ...(b?.services ?? []).map((s) => h('option', { value: s.id }, named(s, s.id))));
  }
  const slotTurn = latest();
  const dayTurn = latest();
  async function loadSlots() {
    const current = slotTurn();
    const { slots } = await get(`/bookings/slots?branch=${encodeURIComponent(branch)}&service=${encodeURIComponent(serviceSelect.value)}&day=${encodeURIComponent(day)}`);
    if (!current()) return;
    clear(slotSelect, ...(slots.length ? slots.map((s) => h('option', { value: s.time }, `${s.time} (${t('book.free', { n: s.free })})`)) : [h('option', { value: '' }, t('book.none'))]));
  }
  async function act(code, path, body) {
    try {
      await post(`/bookings/${encodeURIComponent(code)}/${path}`, body);
      ctx.toast(t('complaint.saved'));
      await load();
    } catch (err) { ctx.fail(err); }
  }
  async function decline(code) {
    const reason = list.querySelector(`tr[data-code="${code}"] + tr input[name=reason]`)?.value?.trim();
    if (!reason) {
      const input = h('input', { name: 'reason', dir: 'auto', maxlength: 500, placeholder: t('book.reason') });
      const send = h('button', { type: 'button', class: 'send-decline', onclick: () => { if (input.value.trim()) act(code, 'decision', { approve: false, reason: input.value.trim() }); } }, t('book.decline'));
      list.querySelector(`tr[data-code="${code}"]`)?.after(h('tr', { class: 'reason-row' }, h('td', { colspan: 8 }, input, send)));
      input.focus();
      return;
    }
    await act(code, 'decision', { approve: false, reason });
  }
  function row(b) {
    const open = b.status === 'booked' || b.status === 'requested';
    const service = named(branches.find((x) => x.id === b.branch)?.services.find((s) => s.id === b.service), b.service);
    return h('tr', { class: `booking ${b.status}`, dataset: { code: b.code } },
      h('td', { dir: 'ltr' }, b.time), h('td', { dir: 'ltr' }, b.code), h('td', { dir: 'auto' }, b.citizen.name),
      h('td', {}, phoneLink(b.citizen.phone)), h('td', {}, service), h('td', { class: 'status' }, statusName(ctx, b.status), b.displaced && open ? h('span', { class: 'displaced' }, ` · ${t('book.displaced')}`) : null),
      h('td', { class: 'actions' },
        b.status === 'booked' ? h('button', { type: 'button', class: 'arrived', onclick: () => act(b.code, 'status', { status: 'arrived' }) }, t('book.arrived')) : null,
        b.status === 'arrived' ? h('button', { type: 'button', class: 'done', onclick: () => act(b.code, 'status', { status: 'done' }) }, t('book.done')) : null,
        b.status === 'booked' ? h('button', { type: 'button', class: 'no-show', onclick: () => act(b.code, 'status', { status: 'no-show' }) }, t('book.no-show')) : null,
        b.status === 'requested' && office ? h('button', { type: 'button', class: 'approve', onclick: () => act(b.code, 'decision', { approve: true }) }, t('book.approve')) : null,
        b.status === 'requested' && office ? h('button', { type: 'button', class: 'decline', onclick: () => decline(b.code) }, t('book.decline')) : null,
        open ? h('button', { type: 'button', class: 'cancel', onclick: () => act(b.code, 'cancel', {}) }, t('book.cancel')) : null),
      h('td', { dir: 'auto', class: 'subject' }, b.subject ?? ''));
  }
  async function load() {
    const current = dayTurn();
    const { bookings, open, blocks: closed } = await get(`/bookings?branch=${encodeURIComponent(branch)}&day=${encodeURIComponent(day)}`);
    if (!current()) return;
    clear(blocks, ...(closed ?? []).map((x) => h('li', { class: 'block', dataset: { id: x.id } },
      `${x.fromDay}${x.toDay !== x.fromDay ? ` – ${x.toDay}` : ''} ${x.from ?? ''}${x.to ? `–${x.to}` : ''} · ${x.counters ? t('book.block.n', { n: x.counters }) : t('book.block.whole')} · ${x.reason} (${x.displaced.length})`,
      office ? h('button', { type: 'button', class: 'lift', onclick: async () => {
        try { await api('DELETE', `/bookings/blocks/${encodeURIComponent(x.id)}`); await load(); } catch (err) { ctx.fail(err); }
      } }, t('book.block.lift')) : null)));
    clear(list, !open ? h('p', { class: 'muted', id: 'bookings-closed' }, t('book.closed')) : null,
      bookings.length
        ? h('table', { class: 'list' },
          h('thead', {}, h('tr', {}, ['book.time', 'book.code', 'apps.name', 'apps.phone', 'book.service', 'apps.status', 'book.actions', 'book.subject'].map((k) => h('th', {}, t(k))))),
          h('tbody', {}, bookings.map(row)))
        : h('p', { class: 'muted', id: 'bookings-empty' }, t('book.empty')));
    await loadSlots();
  }

  picker.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = formValues(picker);
    branch = String(v.branch);
    day = String(v.day);
    fillServices();
    load().catch(ctx.fail);
  });
  serviceSelect.addEventListener('change', () => { loadSlots().catch(ctx.fail); });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const { booking } = await post('/bookings', { ...formValues(form), branch, day, requestId: `${Date.now()}-${Math.random()}` });
      ctx.toast(t('book.booked', { code: booking.code, time: booking.time }));
      form.reset();
      await load();
    } catch (err) { ctx.fail(err); }
  });
  blockForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const v = formValues(blockForm);
    const body = { branch, fromDay: day, reason: v.reason, requestId: `${Date.now()}-${Math.random().toString(36).slice(2)}`,
      ...(v.service ? { service: v.service } : {}), ...(v.from ? { from: v.from } : {}), ...(v.to ? { to: v.to } : {}), ...(v.counters ? { counters: Number(v.counters) } : {}) };
    try {
      const { block } = await post('/bookings/blocks', body);
      ctx.toast(t('book.block.done', { n: block.displaced.length }));
      await load();
    } catch (err) { ctx.fail(err); }
  });
  fillServices();
  clear(view, h('div', {}, h('h1', {}, t('nav.bookings')), picker, h('div', { class: 'two-col' }, h('section', { class: 'card' }, list), h('div', { class: 'stack' }, form, blockForm))));
  await load();
}
