// What the assistant did not understand (the citizen office): missed lines grouped by similar text, with a label
// per group and the labelled lines to download for `npm run eval` and the intents/ files.
import { get, post } from './api.js';
import { clear, h, select } from './dom.js';
import { named, t, when } from './i18n.js';

export async function renderMisunderstood(view, ctx) {
  const data = await get('/reports/misunderstood');
  const services = [['', t('miss.noService')], ...data.services.map((s) => [s.id, named(s, s.id)])];
  const intents = data.intents.map((i) => [i, i]);
  const rows = data.groups.map((g) => {
    const intent = select('intent', intents, g.label?.intent ?? g.guess);
    const service = select('service', services, g.label?.service ?? '');
    const state = h('span', { class: 'muted' }, g.label ? t('miss.labelled') : '');
    const save = h('button', { type: 'button', onclick: async () => {
      try {
        await post('/reports/misunderstood/labels', { text: g.texts[0], intent: intent.value, service: service.value });
        state.textContent = t('miss.labelled');
      } catch (err) { ctx.fail(err); }
    } }, t('miss.save'));
    return h('tr', { dataset: { key: g.key } },
      h('td', { class: 'count' }, String(g.count)),
      h('td', {}, g.texts.map((text) => h('div', { dir: 'auto' }, text))),
      h('td', { dir: 'ltr' }, g.guess),
      h('td', { class: 'muted' }, g.sample ? [h('div', { dir: 'ltr' }, g.sample.conversation), when(g.sample.at)] : ''),
      h('td', {}, intent, service, save, ' ', state));
  });
  clear(view,
    h('h1', {}, t('miss.title')),
    h('p', { class: 'muted' }, t('miss.explain', { from: data.from, to: data.to })),
    h('p', {}, h('a', { href: '/console/api/reports/misunderstood/labelled.jsonl', download: '', id: 'miss-download' }, t('miss.download'))),
    data.groups.length
      ? h('div', { class: 'table-wrap' }, h('table', { class: 'list', id: 'misunderstood' },
        h('thead', {}, h('tr', {}, ['miss.count', 'miss.texts', 'miss.guess', 'miss.sample', 'miss.label'].map((k) => h('th', {}, t(k))))),
        h('tbody', {}, rows)))
      : h('p', { class: 'muted' }, t('miss.none')));
}
