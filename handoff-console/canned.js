// Canned replies: every staff member reads them; admins edit them.
import { api, get } from './api.js';
import { clear, field, formValues, h } from './dom.js';
import { t } from './i18n.js';

function editor(ctx, reply, admin, reload) {
  const form = h('form', { class: 'card stack canned' },
    field(t('canned.id'), h('input', { name: 'id', value: reply.id, required: true, pattern: '[a-z0-9-]+', dir: 'ltr', disabled: !admin || !!reply.id })),
    h('div', { class: 'row wrap' },
      field(t('canned.titleAr'), h('input', { name: 'titleAr', value: reply.title.ar, dir: 'rtl', disabled: !admin })),
      field(t('canned.titleEn'), h('input', { name: 'titleEn', value: reply.title.en, dir: 'ltr', disabled: !admin }))),
    field(t('canned.textAr'), h('textarea', { name: 'textAr', rows: 2, value: reply.text.ar, dir: 'rtl', disabled: !admin })),
    field(t('canned.textEn'), h('textarea', { name: 'textEn', rows: 2, value: reply.text.en, dir: 'ltr', disabled: !admin })),
    admin ? h('div', { class: 'row' },
      h('button', { type: 'submit', class: 'primary' }, t('canned.save')),
      reply.id ? h('button', { type: 'button', onclick: async () => { try { await api('DELETE', `/canned/${reply.id}`); reload(); } catch (err) { ctx.fail(err); } } }, t('canned.delete')) : null) : null);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const v = formValues(form);
    const id = reply.id || v.id;
    try {
      await api('PUT', `/canned/${encodeURIComponent(id)}`, { title: { ar: v.titleAr, en: v.titleEn }, text: { ar: v.textAr, en: v.textEn } });
      ctx.toast(t('complaint.saved'));
      reload();
    } catch (err) { ctx.fail(err); }
  });
  return form;
}

export async function renderCanned(view, ctx) {
  const admin = ctx.me.role === 'admin';
  const { replies } = await get('/canned');
  const reload = () => renderCanned(view, ctx).catch(ctx.fail);
  clear(view, h('h1', {}, t('canned.title')), admin ? null : h('p', { class: 'muted' }, t('canned.adminOnly')),
    replies.map((r) => editor(ctx, r, admin, reload)),
    admin ? [h('h2', {}, t('canned.new')), editor(ctx, { id: '', title: { ar: '', en: '' }, text: { ar: '', en: '' } }, admin, reload)] : null);
}
