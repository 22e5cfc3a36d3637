// The dashboard: figures for a period (and branch or department) as charts, tables and CSV files. The server
// decides what this account may see; the page draws what it is given.
import { ApiError, get } from './api.js';
import { clear, field, h, select } from './dom.js';
import { currentLang, named, t, when } from './i18n.js';

const CHART_SRC = '/console/vendor/chart.umd.min.js';
const COLOURS = ['#1f6f5c', '#d08c1f', '#3c6fb4', '#b4463c', '#6b4fa0', '#4f8f2f', '#8a6d3b', '#2f8f8f'];
let chartLoading;

/** Chart.js (installed from npm, served by this server) as a classic script, loaded once. */
function loadChart() {
  chartLoading ??= new Promise((resolve, reject) => {
    const s = h('script', { src: CHART_SRC });
    s.addEventListener('load', () => resolve(window.Chart));
    s.addEventListener('error', () => { chartLoading = undefined; reject(new Error('chart library')); });
    document.head.append(s);
  });
  return chartLoading;
}

/** Both WhatsApp channels are "WhatsApp" elsewhere; side by side in a chart they need telling apart. */
const channelName = (ch) => (t(`dash.channel.${ch}`) === `dash.channel.${ch}` ? t(`channel.${ch}`) : t(`dash.channel.${ch}`));
const col = (table, name) => table.columns.indexOf(name);
const label = (key) => t(`dash.col.${key}`) === `dash.col.${key}` ? key : t(`dash.col.${key}`);
const num = (v) => (typeof v === 'number' ? new Intl.NumberFormat(currentLang() === 'ar' ? 'ar-LY' : 'en-GB').format(v) : v ?? '—');

function cellText(table, row, name) {
  const v = row[col(table, name)];
  if (name === 'channel') return channelName(v);
  if (name === 'reason') return t(`reason.${v}`);
  if (name === 'metric') return t(`dash.m.${v}`);
  if (name === 'department_name' && !v) return t('dash.noDepartment');
  if (name === 'comment' && row[col(table, 'hidden')]) return t('dash.comment.hidden');
  if (name === 'at') return when(v);
  if ((name === 'day' || name === 'week') && /^\d{4}-\d{2}-\d{2}$/.test(String(v))) return when(v, { dayOnly: true });
  if (name === 'kind') return t(`dash.kind.${v}`);
  return num(v);
}

/** The table under a chart: what the chart shows, readable without it (and by screen readers). */
function dataTable(id, table, shown) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'list figure-table', id: `table-${id}` },
    h('thead', {}, h('tr', {}, shown.map((c) => h('th', {}, label(c))))),
    h('tbody', {}, table.rows.map((r) => h('tr', {}, shown.map((c) => h('td', { dataset: { col: c, value: String(r[col(table, c)] ?? '') }, dir: 'auto' }, cellText(table, r, c))))))));
}

function chartOptions(kind, rtl, extra = {}) {
  const options = {
    responsive: true, maintainAspectRatio: false, animation: false, locale: rtl ? 'ar-LY' : 'en-GB',
    plugins: { legend: { rtl, textDirection: rtl ? 'rtl' : 'ltr', position: 'top', display: kind !== 'bar-single' }, tooltip: { rtl, textDirection: rtl ? 'rtl' : 'ltr' } },
    ...extra,
  };
  if (kind !== 'doughnut') options.scales = { x: { reverse: rtl, stacked: extra.stacked }, y: { beginAtZero: true, stacked: extra.stacked, position: rtl ? 'right' : 'left', max: extra.max } };
  delete options.stacked;
  delete options.max;
  return options;
}

function figureCard(id, csvUrl, ...body) {
  return h('section', { class: 'card figure', id: `figure-${id}` },
    h('div', { class: 'figure-head' }, h('h2', {}, t(`dash.fig.${id}`)),
      h('a', { href: csvUrl(id), class: 'csv', download: '', id: `csv-${id}` }, t('dash.csv'))),
    ...body);
}

function canvas(id) {
  return h('div', { class: 'chart-box' }, h('canvas', { id: `chart-${id}`, role: 'img', 'aria-label': t(`dash.fig.${id}`) }));
}

export async function renderDashboard(view, ctx) {
  const lang = currentLang();
  const rtl = lang === 'ar';
  const charts = [];
  const params = new URLSearchParams(location.hash.split('?')[1] ?? '');
  const query = { from: params.get('from') ?? '', to: params.get('to') ?? '', branch: params.get('branch') ?? '', department: params.get('department') ?? '', every: params.get('every') ?? 'day' };
  const qs = (extra = {}) => new URLSearchParams(Object.entries({ ...query, lang, ...extra }).filter(([, v]) => v)).toString();

  clear(view, h('p', { class: 'muted', id: 'dash-loading' }, t('dash.loading')));
  const [Chart, data] = await Promise.all([loadChart(), get(`/reports/dashboard?${qs()}`).catch((err) => err)]);
  if (data instanceof ApiError && data.status === 403 && data.body.error === 'department-required') {
    clear(view, h('p', { class: 'card', id: 'dash-refused' }, t('dash.error.department-required')));
    return;
  }
  if (data instanceof Error) throw data;
  query.from = data.from; query.to = data.to;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  const csvUrl = (id) => `/console/api/reports/${id}.csv?${qs()}`;
  const T = data.tables;

  const form = h('form', { class: 'card filters', id: 'dash-filters' },
    field(t('dash.from'), h('input', { type: 'date', name: 'from', value: data.from, required: true })),
    field(t('dash.to'), h('input', { type: 'date', name: 'to', value: data.to, required: true })),
    field(t('dash.branch'), select('branch', [['', t('any')], ...data.choices.branches.map((b) => [b.id, named(b, b.id)])], query.branch)),
    field(t('dash.department'), select('department', [['', t('any')], ...data.choices.departments.map((d) => [d.id, named(d, d.id)])], query.department)),
    field(t('dash.every'), select('every', [['day', t('dash.every.day')], ['week', t('dash.every.week')]], query.every)),
    h('button', { type: 'submit', class: 'primary' }, t('dash.show')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const next = Object.fromEntries([...new FormData(form).entries()].filter(([, v]) => v));
    ctx.go(`#/dashboard?${new URLSearchParams(next)}`);
  });

  const deptName = (id) => named(data.choices.departments.find((d) => d.id === id), id);
  const scope = h('p', { class: 'muted', id: 'dash-scope' }, data.departments ? t('dash.scope.some', { names: data.departments.map(deptName).join('، ') }) : t('dash.scope.all'));

  const summary = T.summary;
  const tiles = h('section', { class: 'card figure', id: 'figure-summary' },
    h('div', { class: 'figure-head' }, h('h2', {}, t('dash.fig.summary')), h('a', { href: csvUrl('summary'), class: 'csv', download: '', id: 'csv-summary' }, t('dash.csv'))),
    h('div', { class: 'tiles' }, summary.rows.map(([metric, value]) => h('div', { class: 'tile', dataset: { metric, value: String(value ?? '') } }, h('span', { class: 'tile-value' }, num(value)), h('span', { class: 'tile-label' }, t(`dash.m.${metric}`))))));

  const sections = [];
  const draw = [];
  if (T.conversations) {
    const tb = T.conversations, key = tb.columns[0];
    const periods = [...new Set(tb.rows.map((r) => r[0]))];
    const channels = [...new Set(tb.rows.map((r) => r[1]))];
    sections.push(figureCard('conversations', csvUrl, canvas('conversations'), dataTable('conversations', tb, [key, 'channel', 'conversations'])));
    draw.push(['conversations', {
      type: 'bar',
      data: { labels: periods, datasets: channels.map((ch, i) => ({ label: channelName(ch), backgroundColor: COLOURS[i % COLOURS.length],
        data: periods.map((p) => tb.rows.find((r) => r[0] === p && r[1] === ch)?.[2] ?? 0) })) },
      options: chartOptions('bar', rtl, { stacked: true }),
    }]);
  }
  const byDept = T['complaints-by-category'];
  const depts = [...new Set(byDept.rows.map((r) => r[0]))];
  const cats = [...new Set(byDept.rows.map((r) => r[2]))];
  sections.push(figureCard('complaints-by-category', csvUrl, canvas('complaints-by-category'), dataTable('complaints-by-category', byDept, ['department_name', 'category_name', 'complaints'])));
  draw.push(['complaints-by-category', {
    type: 'bar',
    data: { labels: depts.map(deptName), datasets: cats.map((cat, i) => ({ label: byDept.rows.find((r) => r[2] === cat)[3], backgroundColor: COLOURS[i % COLOURS.length],
      data: depts.map((d) => byDept.rows.find((r) => r[0] === d && r[2] === cat)?.[4] ?? 0) })) },
    options: chartOptions('bar', rtl, { stacked: true }),
  }]);
  for (const id of ['complaint-sla', 'application-sla']) {
    const tb = T[id];
    sections.push(figureCard(id, csvUrl, canvas(id), dataTable(id, tb, ['department_name', 'filed', 'finished', 'on_time', 'late', 'open_overdue', 'on_time_pct'])));
    draw.push([id, {
      type: 'bar',
      data: { labels: tb.rows.map((r) => r[1]), datasets: [
        { label: label('on_time'), backgroundColor: COLOURS[0], data: tb.rows.map((r) => r[col(tb, 'on_time')]) },
        { label: label('late'), backgroundColor: COLOURS[3], data: tb.rows.map((r) => r[col(tb, 'late')]) },
        { label: label('open_overdue'), backgroundColor: COLOURS[1], data: tb.rows.map((r) => r[col(tb, 'open_overdue')]) }] },
      options: chartOptions('bar', rtl, { stacked: true }),
    }]);
  }
  const backlog = T['complaint-backlog'];
  sections.push(figureCard('complaint-backlog', csvUrl, dataTable('complaint-backlog', backlog, ['department_name', 'overdue_open'])));
  // Series by day or week, one line per department or service.
  const series = (id, keyCol, nameCol, valueCol, type) => {
    const tb = T[id];
    if (!tb) return;
    const when = tb.columns[0];
    const periods = [...new Set(tb.rows.map((r) => r[0]))];
    const keys = [...new Set(tb.rows.map((r) => r[col(tb, keyCol)]))];
    sections.push(figureCard(id, csvUrl, canvas(id), dataTable(id, tb, [when, nameCol, valueCol])));
    draw.push([id, {
      type,
      data: { labels: periods, datasets: keys.map((k, i) => ({ label: tb.rows.find((r) => r[col(tb, keyCol)] === k)[col(tb, nameCol)], borderColor: COLOURS[i % COLOURS.length], backgroundColor: COLOURS[i % COLOURS.length],
        data: periods.map((p) => tb.rows.find((r) => r[0] === p && r[col(tb, keyCol)] === k)?.[col(tb, valueCol)] ?? 0) })) },
      options: chartOptions(type, rtl, { stacked: type === 'bar' }),
    }]);
  };
  series('complaint-backlog-by-day', 'department', 'department_name', 'overdue_open', 'line');
  series('questions-by-service', 'service', 'service_name', 'questions', 'bar');
  const services = T['applications-by-service'];
  sections.push(figureCard('applications-by-service', csvUrl, canvas('applications-by-service'), dataTable('applications-by-service', services, ['service_name', 'applications'])));
  draw.push(['applications-by-service', {
    type: 'bar',
    data: { labels: services.rows.map((r) => r[1]), datasets: [{ label: label('applications'), backgroundColor: COLOURS[2], data: services.rows.map((r) => r[3]) }] },
    options: chartOptions('bar-single', rtl, { indexAxis: 'y' }),
  }]);
  if (T['handoff-reasons']) {
    const tb = T['handoff-reasons'];
    sections.push(figureCard('handoff-reasons', csvUrl, canvas('handoff-reasons'), dataTable('handoff-reasons', tb, ['reason', 'handoffs'])));
    draw.push(['handoff-reasons', {
      type: 'doughnut',
      data: { labels: tb.rows.map((r) => t(`reason.${r[0]}`)), datasets: [{ data: tb.rows.map((r) => r[1]), backgroundColor: COLOURS }] },
      options: chartOptions('doughnut', rtl),
    }]);
  }

  for (const [id, key] of [['csat-by-channel', 'channel'], ['csat-by-department', 'department_name'], ['csat-by-agent', 'staff']]) {
    const tb = T[id];
    if (!tb) continue;
    const labels = tb.rows.map((r) => (key === 'channel' ? channelName(r[0]) : key === 'department_name' ? (r[1] || t('dash.noDepartment')) : r[0]));
    sections.push(figureCard(id, csvUrl, canvas(id), dataTable(id, tb, [key, 'answers', 'average', 'satisfied_pct'])));
    draw.push([id, {
      type: 'bar',
      data: { labels, datasets: [{ label: label('average'), backgroundColor: COLOURS[4], data: tb.rows.map((r) => r[col(tb, 'average')]) }] },
      options: chartOptions('bar-single', rtl, { max: 5 }),
    }]);
  }

  const csatDay = T['csat-by-day'];
  if (csatDay) {
    sections.push(figureCard('csat-by-day', csvUrl, canvas('csat-by-day'), dataTable('csat-by-day', csatDay, ['day', 'answers', 'average', 'satisfied_pct'])));
    draw.push(['csat-by-day', {
      type: 'line',
      data: { labels: csatDay.rows.map((r) => r[0]), datasets: [{ label: label('average'), borderColor: COLOURS[4], backgroundColor: COLOURS[4], data: csatDay.rows.map((r) => r[col(csatDay, 'average')]) }] },
      options: chartOptions('bar-single', rtl, { max: 5 }),
    }]);
  }

  const comments = T['csat-comments'];
  if (comments) {
    sections.push(figureCard('csat-comments', csvUrl, comments.rows.length
      ? dataTable('csat-comments', comments, ['at', 'kind', 'department_name', 'score', 'comment'])
      : h('p', { class: 'muted' }, t('dash.none'))));
  }

  clear(view, h('h1', {}, t('dash.title')), form, scope, tiles, h('div', { class: 'figures' }, sections));
  for (const [id, config] of draw) {
    const el = document.getElementById(`chart-${id}`);
    if (el) charts.push(new Chart(el, config));
  }
  view.dataset.dashboardReady = `${data.from}..${data.to}`;
  return () => { for (const c of charts) c.destroy(); delete view.dataset.dashboardReady; };
}
