// The console shell: sign-in, language, routing between views, and the live feed (server-sent events).
import { api, ApiError, get, post, setCsrf } from './api.js';
import { clear, field, formValues, h } from './dom.js';
import { currentLang, setLang, t } from './i18n.js';
import { renderQueue } from './queue.js';
import { renderConversation } from './conversation.js';
import { renderComplaints, renderComplaint } from './complaints.js';
import { renderFileForCaller } from './caller.js';
import { renderApplications } from './applications.js';
import { renderBookings } from './bookings.js';
import { renderCanned } from './canned.js';
import { renderChannels } from './channels.js';
import { renderDashboard } from './dashboard.js';
import { renderMisunderstood } from './misunderstood.js';
import { refreshAlertBadge, renderAlerts } from './alerts.js';
import { renderStaff } from './staff.js';
import { renderMyWork } from './my-work.js';

const view = document.getElementById('view');
const listeners = new Set();
let cleanup = () => {};
let events;

const ctx = {
  me: null,
  catalog: null,
  /** Server clock minus ours, so wait times are right even when this PC's clock is off. */
  offset: 0,
  toast(message, kind = 'info') {
    const box = document.getElementById('toast');
    box.textContent = message;
    box.className = `toast ${kind}`;
    box.hidden = false;
    clearTimeout(box.timer);
    box.timer = setTimeout(() => { box.hidden = true; }, 5000);
  },
  /** Explains an API refusal in the console's language. */
  fail(err) {
    if (err instanceof ApiError) {
      if (err.status === 401) { showSignIn(); return; }
      const key = `error.${err.body.error}`;
      const text = t(key, { name: err.body.heldBy ?? '' });
      if (text !== key) { ctx.toast(text, 'error'); return; }
      if (err.status === 403) { ctx.toast(t('error.forbidden'), 'error'); return; }
      // A code the console has no words for is never shown raw: staff get a sentence in their language.
      ctx.toast(t('error.unknown'), 'error');
      return;
    }
    ctx.toast(t('error.network'), 'error');
  },
  on(fn) { listeners.add(fn); return () => listeners.delete(fn); },
  go(hash) { location.hash = hash; },
};

let retry;
let dropped = false;

/**
 * The live feed. When it drops (a server restart, a network cut) whatever happened meanwhile was never sent, so on
 * reconnecting the open view fetches afresh; a feed the server refused (the session is gone) means signing in again.
 */
function connectLive() {
  events?.close();
  clearTimeout(retry);
  const live = document.getElementById('live');
  live.hidden = false;
  const source = new EventSource('/console/api/events');
  events = source;
  source.addEventListener('open', () => {
    live.textContent = t('live.on'); live.className = 'live on';
    if (dropped) { dropped = false; resync(); }
  });
  source.addEventListener('error', () => {
    if (events !== source) return;
    live.textContent = t('live.off'); live.className = 'live off';
    dropped = true;
    // The browser retries a dropped stream by itself, but not one the server answered with an error.
    if (source.readyState === EventSource.CLOSED) retry = setTimeout(recheck, 1000);
  });
  for (const type of ['handoff', 'line']) {
    events.addEventListener(type, (e) => {
      const data = JSON.parse(e.data);
      for (const fn of listeners) fn(type, data);
    });
  }
}

/** After the feed came back: the view reloads its data (a view without a live handler is drawn again). */
function resync() {
  if (!ctx.me) return;
  let handled = false;
  for (const fn of listeners) if (fn('resync', {}) === true) handled = true;
  // A view drawn again loses what staff typed: one with a form being filled keeps its screen.
  if (!handled && !typing(view)) route();
}

/** Whether any field in the view differs from how it was drawn. */
function typing(root) {
  for (const el of root.querySelectorAll('input, textarea')) {
    if (el.type === 'checkbox' || el.type === 'radio' ? el.checked !== el.defaultChecked : el.value !== el.defaultValue) return true;
  }
  for (const option of root.querySelectorAll('option')) if (option.selected !== option.defaultSelected) return true;
  return false;
}

/** The feed was refused or the server is away: still signed in? Then reconnect; if not, sign in again. */
async function recheck() {
  if (!ctx.me) return;
  try {
    const me = await get('/session');
    ctx.me = { ...ctx.me, ...me };
    setCsrf(me.csrf);
    connectLive();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) { showSignIn(); return; }
    retry = setTimeout(recheck, 2000);
  }
}

async function route() {
  cleanup();
  cleanup = () => {};
  listeners.clear();
  if (!ctx.me) return;
  const [, path, param] = (location.hash || '#/queue').split('/');
  const name = (path ?? '').split('?')[0];
  for (const a of document.querySelectorAll('#nav a')) a.classList.toggle('active', a.getAttribute('href') === `#/${name}`);
  // Each visit draws into a box of its own: a view still loading from an earlier visit (a save that reloads it)
  // finishes into a box no longer on the page instead of over the view staff went to.
  const box = h('div', { class: 'view' });
  clear(view, box);
  const routes = {
    queue: () => renderQueue(box, ctx),
    conversation: () => renderConversation(box, ctx, decodeURIComponent(param || '')),
    alerts: () => renderAlerts(box, ctx),
    mywork: () => renderMyWork(box, ctx),
    complaints: () => (param ? renderComplaint(box, ctx, decodeURIComponent(param)) : renderComplaints(box, ctx)),
    file: () => renderFileForCaller(box, ctx),
    applications: () => renderApplications(box, ctx, param ? decodeURIComponent(param) : undefined),
    bookings: () => renderBookings(box, ctx),
    canned: () => renderCanned(box, ctx),
    dashboard: () => renderDashboard(box, ctx),
    ...(ctx.me.role === 'admin' ? { channels: () => renderChannels(box, ctx), staff: () => renderStaff(box, ctx) } : {}),
    ...(ctx.me.role !== 'agent' ? { misunderstood: () => renderMisunderstood(box, ctx) } : {}),
  };
  refreshAlertBadge().catch(() => undefined);
  try {
    cleanup = (await (routes[name] ?? routes.queue)()) || (() => {});
  } catch (err) {
    ctx.fail(err);
  }
}

function signedIn(me) {
  ctx.me = me;
  setCsrf(me.csrf);
  document.getElementById('nav').hidden = false;
  document.getElementById('nav-channels').hidden = me.role !== 'admin';
  document.getElementById('nav-misunderstood').hidden = me.role === 'agent';
  document.getElementById('nav-staff').hidden = me.role !== 'admin';
  document.getElementById('signout').hidden = false;
  showWho();
  if (me.mustChangePassword) { showPasswordChange(); return; }
  get('/catalog').then((c) => { ctx.catalog = c; showWho(); connectLive(); route(); }, ctx.fail);
}

/** Who is signed in: the role in the console's language, the username isolated (a Latin name in the Arabic bar). */
function showWho() {
  const me = ctx.me;
  if (!me) return;
  clear(document.getElementById('whoami'), h('bdi', {}, me.username), ` · ${t(`role.${me.role}`)}`, (me.departments?.length ? me.departments : [me.department]).filter(Boolean).length ? [' · ', h('bdi', {}, (me.departments?.length ? me.departments : [me.department]).filter(Boolean).join('، '))] : '');
}

function showSignIn() {
  ctx.me = null;
  events?.close();
  events = undefined;
  clearTimeout(retry);
  dropped = false;
  document.getElementById('nav').hidden = true;
  document.getElementById('signout').hidden = true;
  document.getElementById('live').hidden = true;
  document.getElementById('whoami').textContent = '';
  const error = h('p', { class: 'error', role: 'alert' });
  const form = h('form', { class: 'card narrow', id: 'signin' },
    h('h1', {}, t('signin.title')),
    field(t('signin.username'), h('input', { name: 'username', autocomplete: 'username', required: true, dir: 'ltr' })),
    field(t('signin.password'), h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true, dir: 'ltr' })),
    error,
    h('button', { type: 'submit', class: 'primary' }, t('signin.submit')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      signedIn(await api('POST', '/session', formValues(form)));
    } catch (err) {
      error.textContent = err.status === 429 ? t('signin.limited') : t('signin.wrong');
    }
  });
  clear(view, form);
}

function showPasswordChange() {
  const error = h('p', { class: 'error', role: 'alert' });
  const form = h('form', { class: 'card narrow', id: 'password' },
    h('h1', {}, t('password.title')),
    field(t('password.current'), h('input', { name: 'current', type: 'password', autocomplete: 'current-password', required: true, dir: 'ltr' })),
    field(t('password.next'), h('input', { name: 'next', type: 'password', autocomplete: 'new-password', required: true, minlength: 10, dir: 'ltr' })),
    error,
    h('button', { type: 'submit', class: 'primary' }, t('password.submit')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await post('/password', formValues(form));
      signedIn({ ...ctx.me, mustChangePassword: false });
    } catch (err) {
      error.textContent = err.body?.error === 'wrong-password' ? t('password.wrong') : t('password.weak');
    }
  });
  clear(view, form);
}

document.getElementById('lang').addEventListener('click', () => {
  setLang(currentLang() === 'ar' ? 'en' : 'ar');
  const live = document.getElementById('live');
  live.textContent = t(live.classList.contains('off') ? 'live.off' : 'live.on');
  showWho();
  if (ctx.me && !ctx.me.mustChangePassword) route(); else if (!ctx.me) showSignIn();
});
document.getElementById('signout').addEventListener('click', async () => {
  await api('DELETE', '/session').catch(() => undefined);
  showSignIn();
});
window.addEventListener('hashchange', route);

setLang(currentLang());
get('/session').then(signedIn, showSignIn);
