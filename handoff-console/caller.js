// Filing a complaint for someone who phoned or walked in; the tracking code is shown large to read back.
import { post } from './api.js';
import { clear, field, formValues, h, select } from './dom.js';
import { citizenLanguages, named, t } from './i18n.js';

export async function renderFileForCaller(view, ctx) {
  const c = ctx.catalog;
  const result = h('div', { class: 'result', id: 'file-result', 'aria-live': 'polite' });
  const privacy = h('fieldset', { class: 'privacy' }, h('legend', {}, t('complaint.privacy')),
    ['named', 'confidential', 'anonymous'].map((p) => h('label', { class: 'check' }, h('input', { type: 'radio', name: 'privacy', value: p, checked: p === 'named' }), t(`privacy.${p}`))));
  const form = h('form', { class: 'card stack', id: 'file-form' },
    h('h1', {}, t('file.title')),
    field(t('file.category'), select('category', c.categories.map((x) => [x.id, named(x, x.id)]), c.categories[0]?.id)),
    field(t('file.description'), h('textarea', { name: 'description', rows: 4, required: true, dir: 'auto', maxlength: 2000 })),
    field(t('file.location'), h('input', { name: 'location', dir: 'auto', maxlength: 300 })),
    privacy,
    h('div', { class: 'row wrap' },
      field(t('file.name'), h('input', { name: 'name', dir: 'auto', maxlength: 100 })),
      field(t('file.phone'), h('input', { name: 'phone', dir: 'ltr', maxlength: 40 }))),
    h('div', { class: 'row wrap' },
      field(t('file.channel'), select('channel', [['', t('file.none')], ['whatsapp', t('channel.whatsapp')], ['telegram', t('channel.telegram')]], '')),
      field(t('file.user'), h('input', { name: 'user', dir: 'ltr', maxlength: 100 }))),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'consentToContact', value: 'yes' }), t('file.consent')),
    field(t('file.lang'), select('lang', citizenLanguages(ctx.catalog), 'ar')),
    h('button', { type: 'submit', class: 'primary' }, t('file.submit')),
    result);
  const requestId = () => crypto.randomUUID();
  let pendingId = requestId();
  let busy = false;
  const submit = form.querySelector('button[type=submit]');
  // The next caller starts with an empty form and no code on screen (the last one was read back already).
  form.addEventListener('input', () => { if (result.dataset.code) { delete result.dataset.code; clear(result); } });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (busy) return;
    busy = true;
    submit.disabled = true;
    const v = formValues(form);
    try {
      const r = await post('/complaints', { ...v, consentToContact: v.consentToContact === 'yes', requestId: pendingId });
      pendingId = requestId();
      form.reset();
      clear(result, h('p', {}, t('file.readBack')), h('p', { class: 'code-big', dir: 'ltr', id: 'filed-code' }, h('bdi', {}, r.code)));
      result.dataset.code = r.code;
      form.querySelector('textarea[name=description]').focus();
    } catch (err) { ctx.fail(err); } finally { busy = false; submit.disabled = false; }
  });
  clear(view, form);
}
