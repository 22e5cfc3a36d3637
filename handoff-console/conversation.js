// One handed-off conversation: the whole transcript, the citizen's records, and the staff actions.
import { get, post } from './api.js';
import { clear, field, formValues, h, select } from './dom.js';
import { currentLang, named, t, tNodes, when } from './i18n.js';

/** A system line in the console's language (the server sends a key and values; an unknown line stays as written). */
function systemText(entry) {
  if (!entry.say) return entry.text;
  const vars = { ...entry.say.vars };
  if (vars.outcome) vars.outcome = t(`outcome.${vars.outcome}`);
  return t(`sys.${entry.say.key}`, vars);
}

/** "Staff · amal · 10:31": names and times isolated, so an English name does not reorder an Arabic header. */
function meta(parts, at) {
  const out = [];
  for (const p of parts.filter(Boolean)) out.push(p.isolate ? h('bdi', {}, p.text) : p.text, ' · ');
  out.push(when(at));
  return h('div', { class: 'meta' }, out);
}

function line(entry) {
  const text = entry.from === 'system' ? systemText(entry) : entry.text;
  return h('li', { class: `line from-${entry.from}${entry.payload ? ' tapped' : ''}`, dataset: { id: entry.id || '', at: entry.at } },
    meta([{ text: t(`from.${entry.from}`) }, entry.staff && { text: entry.staff, isolate: true }], entry.at),
    // dir=auto: an Arabic line reads right to left even in the English console, and the other way round.
    // A voice note or file leaves an empty line: say so (the recording is listed beside it).
    // A tapped button shows its label (the server maps the payload), marked as a button press.
    text ? h('div', { class: 'text', dir: 'auto', title: entry.payload ? t('conv.tapped', { label: text }) : undefined }, entry.payload ? h('span', { class: 'chip' }, text) : text)
      : h('div', { class: 'text muted' }, t('conv.noText')));
}

/** A voice note, video or file the citizen sent, played through the signed-in session (never a public URL). */
function mediaLine(conversationId, item) {
  const src = `/console/api/conversations/${encodeURIComponent(conversationId)}/media/${encodeURIComponent(item.id)}`;
  const kind = item.mimeType.split('/')[0];
  const player = kind === 'audio' ? h('audio', { controls: 'controls', preload: 'metadata', src, class: 'media-audio' })
    : kind === 'video' ? h('video', { controls: 'controls', preload: 'metadata', src, class: 'media-video' })
    : h('a', { href: src, download: item.id }, t('conv.mediaFile', { kb: Math.ceil(item.size / 1024) }));
  return h('li', { class: `line from-citizen media media-${kind}`, dataset: { id: `media:${item.id}`, at: item.at } },
    meta([{ text: t('from.citizen') }, { text: t(`conv.media.${kind}`) }], item.at), player);
}

export async function renderConversation(view, ctx, id) {
  let data = await get(`/conversations/${encodeURIComponent(id)}`);
  const [canned, staff] = await Promise.all([get('/canned'), get('/staff')]);
  // A scrollable log a keyboard can reach (tab to it, then arrow keys scroll it).
  const transcript = h('ol', { class: 'transcript-lines', id: 'transcript' });
  const scroller = h('div', { class: 'transcript', tabindex: 0, role: 'log', 'aria-label': t('conv.transcript') }, transcript);
  let showDetails = false;
  const seen = new Set();
  const header = h('div', { class: 'conv-header' });
  const actions = h('div', { class: 'actions' });
  const notes = h('ul', { class: 'notes', 'aria-labelledby': 'notes-title' });
  const earlier = h('div', { class: 'earlier' });
  let draft = '';
  let sending = false;
  let noteDraft = '';

  function addLine(entry) {
    if (entry.id && seen.has(entry.id)) return;
    if (entry.id) seen.add(entry.id);
    const stick = scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 40;
    transcript.append(line(entry));
    if (stick) scroller.scrollTop = scroller.scrollHeight;
  }

  /** Puts a line where its time belongs (media are listed apart from the transcript). */
  function insertByTime(li) {
    const next = [...transcript.children].find((c) => c.dataset.at && c.dataset.at > li.dataset.at);
    transcript.insertBefore(li, next ?? null);
  }

  async function loadMedia() {
    const { media } = await get(`/conversations/${encodeURIComponent(id)}/media`);
    for (const item of media) {
      if (seen.has(`media:${item.id}`)) continue;
      seen.add(`media:${item.id}`);
      insertByTime(mediaLine(id, item));
    }
  }

  function renderHeader() {
    const hoff = data.handoff;
    // The assistant's guess is debug detail: the server sends it to supervisors only, and it stays folded away.
    const guess = hoff.assistantGuess;
    const details = guess ? h('button', {
      type: 'button', id: 'conv-details', class: 'link', 'aria-expanded': String(showDetails), 'aria-controls': 'conv-guess',
      onclick: () => { showDetails = !showDetails; renderHeader(); },
    }, showDetails ? t('conv.hideDetails') : t('conv.details')) : null;
    clear(header,
      h('a', { href: '#/queue', class: 'back' }, t('conv.back')),
      h('h1', {}, `${t('conv.title')} · ${t(`channel.${hoff.channel}`)}`),
      h('div', { class: 'badges' },
        h('span', { class: `badge reason-${hoff.reason}` }, t(`reason.${hoff.reason}`)),
        h('span', { class: 'badge' }, t(`lang.${hoff.lang}`)),
        h('span', { class: `badge status-${hoff.status}`, id: 'conv-status' }, t(`status.${hoff.status}`, { name: hoff.heldBy ?? '' })),
        h('span', { class: 'badge' }, when(hoff.queuedAt)),
        details,
        guess && showDetails ? h('span', { class: 'badge guess', id: 'conv-guess' }, t('conv.guess', { intent: guess.intent, confidence: Number(guess.confidence).toFixed(2) })) : null),
      // WhatsApp Cloud: staff replies outside the citizen's 24-hour window went as the approved template.
      data.templates?.length ? h('p', { class: 'alert warn', id: 'conv-template' }, tNodes('conv.template', { n: data.templates.length, time: when(data.templates[0].at) })) : null);
    clear(notes, (hoff.notes || []).map((n) => h('li', {}, meta([{ text: n.by, isolate: true }], n.at), h('div', { class: 'text', dir: 'auto' }, n.text))));
  }

  function renderEarlier() {
    const cats = ctx.catalog.categories, services = ctx.catalog.services;
    const rows = [
      ...data.complaints.map((c) => h('li', {}, h('a', { href: `#/complaints/${c.code}` }, c.code), ` · ${named(cats.find((x) => x.id === c.category), c.category)} · ${ctx.catalog.statusNames?.complaint?.[c.status]?.[currentLang()] ?? c.status}`)),
      ...data.applications.map((a) => h('li', {}, h('a', { href: `#/applications/${a.code}` }, a.code), ` · ${named(services.find((x) => x.id === a.service), a.service)} · ${ctx.catalog.statusNames?.application?.[a.status]?.[currentLang()] ?? a.status}`)),
    ];
    clear(earlier, h('h2', {}, t('conv.earlier')), rows.length ? h('ul', {}, rows) : h('p', { class: 'muted' }, t('conv.noEarlier')));
  }

  async function act(path, body) {
    try {
      const result = await post(`/conversations/${encodeURIComponent(id)}/${path}`, body);
      data.handoff = result.handoff;
      renderHeader();
      renderActions();
      return true;
    } catch (err) {
      ctx.fail(err);
      await refresh();
      return false;
    }
  }

  function renderActions() {
    const hoff = data.handoff;
    const mine = hoff.status === 'held' && hoff.heldBy === ctx.me.username;
    const office = ctx.me.role !== 'agent';
    const parts = [];
    if (hoff.status === 'queued') parts.push(h('button', { type: 'button', class: 'primary', id: 'take', onclick: async () => { if (await act('take')) actions.querySelector('#reply-text')?.focus(); } }, t('conv.take')));
    if (hoff.status === 'held' && !mine) parts.push(h('p', { class: 'muted' }, t('conv.takenBy', { name: hoff.heldBy })));
    if (hoff.status === 'closed') parts.push(h('p', { class: 'muted' }, t('conv.closed')));
    if (mine) {
      // The draft survives re-renders (a live update arriving while the agent types must not wipe it).
      const box = h('textarea', { name: 'text', id: 'reply-text', rows: 3, required: true, dir: 'auto', maxlength: 4000, value: draft });
      box.addEventListener('input', () => { draft = box.value; });
      const pick = select('canned', [['', t('conv.canned')], ...canned.replies.map((r) => [r.id, r.title[currentLang()]])], '', { id: 'canned-pick', 'aria-label': t('conv.canned') });
      pick.addEventListener('change', () => {
        const r = canned.replies.find((x) => x.id === pick.value);
        if (r) draft = box.value = r.text[hoff.lang] ?? (hoff.lang === 'fr' ? r.text.en : r.text.ar);
        pick.value = '';
        box.focus();
      });
      const form = h('form', { class: 'reply', id: 'reply-form' }, field(t('conv.reply'), box), h('div', { class: 'row' }, pick, h('button', { type: 'submit', class: 'primary', id: 'send' }, t('conv.send'))));
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        const text = box.value.trim();
        // One send per text: a second click (or Enter) while the first is on its way sends nothing.
        if (!text || sending) return;
        sending = true;
        draft = box.value = '';
        box.disabled = true;
        form.querySelector('#send').disabled = true;
        const ok = await act('reply', { text });
        sending = false;
        const current = actions.querySelector('#reply-text');
        if (!ok) { draft = text; if (current) current.value = text; }
        else if (data.handoff.channel === 'whatsapp-cloud') void get(`/conversations/${encodeURIComponent(id)}`).then((d) => { data.templates = d.templates; renderHeader(); }, () => undefined);
        if (current) { current.disabled = false; current.focus(); }
        box.disabled = false;
      });
      parts.push(form);
    }
    if (mine || (office && hoff.status !== 'closed')) {
      const target = select('to', [['', t('conv.transferTo')],
        ...staff.staff.filter((s) => s.username !== ctx.me.username).map((s) => [`staff:${s.username}`, `${s.username} (${s.role})`]),
        ...ctx.catalog.departments.map((d) => [`department:${d.id}`, named(d, d.id)])], '', { id: 'transfer-to', 'aria-label': t('conv.transferLabel') });
      const transfer = h('form', { class: 'row' }, target, h('button', { type: 'submit' }, t('conv.transfer')));
      transfer.addEventListener('submit', (e) => {
        e.preventDefault();
        const [kind, value] = target.value.split(/:(.*)/);
        if (value) act('transfer', kind === 'staff' ? { staff: value } : { department: value });
      });
      const outcome = select('outcome', ctx.catalog.outcomes.map((o) => [o, t(`outcome.${o}`)]), 'answered');
      const close = h('form', { class: 'row' }, field(t('conv.outcome'), outcome), h('button', { type: 'submit' }, t('conv.close')));
      close.addEventListener('submit', (e) => { e.preventDefault(); act('close', { outcome: outcome.value }); });
      parts.push(h('div', { class: 'row wrap' },
        h('button', { type: 'button', id: 'hand-back', onclick: () => act('hand-back') }, t('conv.handBack')), transfer, close));
    }
    // Like the reply, a note being typed survives the re-render an answer or a live update causes.
    const noteBox = h('input', { name: 'text', id: 'note-text', required: true, dir: 'auto', maxlength: 4000, value: noteDraft });
    noteBox.addEventListener('input', () => { noteDraft = noteBox.value; });
    const note = h('form', { class: 'row', id: 'note-form' }, field(t('conv.noteLabel'), noteBox), h('button', { type: 'submit' }, t('conv.addNote')));
    note.addEventListener('submit', async (e) => {
      e.preventDefault();
      const { text } = formValues(note);
      noteDraft = '';
      if (!(await act('notes', { text }))) { noteDraft = text; const b = actions.querySelector('#note-text'); if (b) b.value = text; }
    });
    clear(actions, ...parts, h('h2', { id: 'notes-title' }, t('conv.notes')), notes, note);
    renderHeader();
  }

  async function refresh() {
    data = await get(`/conversations/${encodeURIComponent(id)}`);
    for (const entry of data.transcript) addLine(entry);
    renderHeader();
    renderActions();
    renderEarlier();
  }

  clear(view, header, h('div', { class: 'conv-grid' },
    h('section', { class: 'card transcript-card' }, scroller),
    h('aside', { class: 'card side' }, actions, earlier)));
  for (const entry of data.transcript) addLine(entry);
  await loadMedia().catch(ctx.fail);
  scroller.scrollTop = scroller.scrollHeight;
  renderActions();
  renderEarlier();

  return ctx.on((type, payload) => {
    // The feed dropped: whatever was said meanwhile is fetched (the draft is kept).
    if (type === 'resync') { void refresh().then(() => loadMedia()).catch(ctx.fail); return true; }
    if (type === 'line' && payload.conversation === data.handoff.conversation) {
      addLine(payload);
      // A voice note arrives as an empty citizen line; its recording is fetched beside it.
      if (payload.from === 'citizen') void loadMedia().catch(() => undefined);
    }
    if (type === 'handoff' && payload.id === data.handoff.id) {
      const changed = payload.status !== data.handoff.status || payload.heldBy !== data.handoff.heldBy;
      data.handoff = { ...data.handoff, ...payload };
      if (changed) renderActions(); else renderHeader();
    }
  });
}
