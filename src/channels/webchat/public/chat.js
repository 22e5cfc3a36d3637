// The web chat client: speaks botkit's web adapter protocol over a websocket. Citizen and bot text are shown
// with textContent only, never as HTML; numbers, codes and phone numbers are put in their own left-to-right
// elements so Arabic text around them cannot reorder them.
const log = document.getElementById('log');
const choicesBox = document.getElementById('choices');
const form = document.getElementById('composer');
const input = document.getElementById('text');
const langButton = document.getElementById('lang');
const fileInput = document.getElementById('file');
const recordButton = document.getElementById('record');

const params = new URLSearchParams(location.search);
const T = {
  ar: {
    title: 'نافذة البلدية', send: 'إرسال', placeholder: 'اكتب رسالتك', textLabel: 'اكتب رسالتك',
    log: 'المحادثة', choices: 'خيارات الرد', locate: 'مشاركة الموقع', attach: 'إرفاق صورة أو تسجيل صوتي',
    record: 'تسجيل رسالة صوتية', stop: 'إيقاف التسجيل وإرساله', lastCode: 'رمز المتابعة الأخير:', photo: 'صورة', voice: 'رسالة صوتية',
    uploadFailed: 'تعذّر رفع الملف', noMic: 'لا يمكن الوصول إلى الميكروفون؛ أرفق ملفًا صوتيًا بدلًا من ذلك.',
  },
  en: {
    // The hint is short enough to be read whole in a 320 px wide text box; the label says it in full.
    title: 'Municipality single window', send: 'Send', placeholder: 'Message', textLabel: 'Type your message',
    log: 'Conversation', choices: 'Reply options', locate: 'Share location', attach: 'Attach a photo or a voice recording',
    record: 'Record a voice message', stop: 'Stop recording and send', lastCode: 'Your last tracking code:', photo: 'photo', voice: 'voice message',
    uploadFailed: 'upload failed', noMic: 'The microphone is not available; attach an audio file instead.',
  },
  fr: {
    title: 'Guichet unique municipal', send: 'Envoyer', placeholder: 'Message', textLabel: 'Écrivez votre message',
    log: 'Conversation', choices: 'Réponses proposées', locate: 'Partager ma position', attach: 'Joindre une photo ou un enregistrement vocal',
    record: 'Enregistrer un message vocal', stop: "Arrêter l'enregistrement et l'envoyer", lastCode: 'Votre dernier code de suivi :', photo: 'photo',
    voice: 'message vocal', uploadFailed: "l'envoi du fichier a échoué", noMic: "Le microphone n'est pas disponible ; joignez plutôt un fichier audio.",
  },
};
/** The language button names the next language in that language, and says what it does in it too. */
const NAMES = {
  ar: { name: 'عربي', switchTo: 'التبديل إلى العربية' },
  en: { name: 'English', switchTo: 'Switch to English' },
  fr: { name: 'Français', switchTo: 'Passer en français' },
};

// The chat's id and the key that reads its history back: both opened by the server (POST /chat/session).
let session = readJson('nafidha.session');
// The languages the municipality answers in (GET /chat/config); until the server says, those of the last visit.
let languages = readJson('nafidha.languages') || ['ar', 'en'];
let lang = pickLang();
let socket;
let queue = [];
let retry = 500;
let stick = true;
const shown = new Set();
/** What the citizen tapped, by payload: a restored history shows "Yes", not "/yes". */
const labels = readJson('nafidha.labels') || {};

function readJson(key) {
  try { return JSON.parse(localStorage.getItem(key) || 'null'); } catch { return null; }
}

/** The page's language: ?lang=, else the citizen's earlier choice, else the browser's; one the municipality answers in. */
function pickLang() {
  const offered = (l) => (l && languages.includes(l) && T[l] ? l : undefined);
  const browser = navigator.language?.slice(0, 2).toLowerCase();
  return offered(params.get('lang')) || offered(localStorage.getItem('nafidha.lang')) || (browser === 'ar' ? 'ar' : offered(browser)) || 'en';
}

/** The language after `l` in the municipality's list: the button goes round them all. */
function nextLang(l) {
  const list = languages.filter((x) => T[x]);
  return list[(list.indexOf(l) + 1) % list.length];
}

/** `keep`: remembered for the next visit (not the guess made before the server named its languages). */
function setLang(l, keep = true) {
  lang = l;
  if (keep) localStorage.setItem('nafidha.lang', l);
  const t = T[l];
  const next = nextLang(l);
  document.documentElement.lang = l;
  document.documentElement.dir = l === 'ar' ? 'rtl' : 'ltr';
  langButton.textContent = NAMES[next].name;
  langButton.lang = next;
  langButton.setAttribute('aria-label', NAMES[next].switchTo);
  document.getElementById('send').textContent = t.send;
  document.getElementById('title').textContent = t.title;
  document.getElementById('text-label').textContent = t.textLabel;
  document.getElementById('last-code-label').textContent = t.lastCode;
  input.placeholder = t.placeholder;
  log.setAttribute('aria-label', t.log);
  choicesBox.setAttribute('aria-label', t.choices);
  for (const [id, key] of [['locate', 'locate'], ['attach', 'attach']]) {
    const b = document.getElementById(id);
    b.setAttribute('aria-label', t[key]);
    b.title = t[key];
  }
  setRecording(recorder?.state === 'recording');
}

// --- Text with its numbers isolated -------------------------------------------------------------------------

const DIGIT = '[0-9\u0660-\u0669\u06f0-\u06f9]';
const NUM = `${DIGIT}+(?:[.,:/\u066b\u066c-]${DIGIT}+)*`;
const TOKEN = new RegExp([
  '(?<code>\\b[CASB]-[0-9A-Z]{5}-[0-9A-Z]{5}\\b)',
  `(?<phone>(?:\\+|00)${DIGIT}(?:[ \\u00a0-]?${DIGIT}){7,14}|\\b0${DIGIT}{2}[ -]?${DIGIT}{3}[ -]?${DIGIT}{4}\\b)`,
  // A number, or a range or pair of them ("08:00–15:00", "32.88720, 13.19130"): one left-to-right run, so an Arabic
  // line cannot swap its two ends.
  `(?<number>${NUM}(?:(?: ?[\u2013\u2014-] ?|, )${NUM})*)`,
].join('|'), 'g');
const ISOLATE = /([\u2066\u2067\u2068])([^\u2066-\u2069]*)\u2069/g;

function asciiDigits(s) {
  return s.replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660)).replace(/[\u06f0-\u06f9]/g, (d) => String(d.charCodeAt(0) - 0x06f0));
}

/** Appends `text` to `parent`: codes and numbers in left-to-right isolates, phone numbers as tap-to-call links. */
function appendText(parent, text) {
  let at = 0;
  for (const m of text.matchAll(TOKEN)) {
    if (m.index > at) parent.append(text.slice(at, m.index));
    const g = m.groups;
    let el;
    if (g.phone) {
      el = document.createElement('a');
      el.className = 'tel';
      const digits = asciiDigits(g.phone).replace(/[^\d+]/g, '').replace(/^00/, '+');
      el.href = `tel:${digits}`;
    } else {
      el = document.createElement('bdi');
      if (g.code) el.className = 'code';
    }
    el.dir = 'ltr';
    el.textContent = m[0];
    parent.append(el);
    at = m.index + m[0].length;
  }
  if (at < text.length) parent.append(text.slice(at));
}

/** Text the kernel already isolated (Unicode isolates) becomes <bdi> elements; the rest goes through appendText. */
function render(parent, text) {
  let at = 0;
  for (const m of text.matchAll(ISOLATE)) {
    if (m.index > at) appendText(parent, text.slice(at, m.index));
    const bdi = document.createElement('bdi');
    bdi.dir = m[1] === '\u2066' ? 'ltr' : m[1] === '\u2067' ? 'rtl' : 'auto';
    appendText(bdi, m[2]);
    parent.append(bdi);
    at = m.index + m[0].length;
  }
  if (at < text.length) appendText(parent, text.slice(at).replace(/[\u2066-\u2069]/g, ''));
}

// --- The log ------------------------------------------------------------------------------------------------

/**
 * Keeps the newest message in view: its bottom when it fits, its top when it is taller than the log, and the whole
 * of it, centred, when it only just fits (a long French welcome in the widget's frame).
 */
let pinnedAt = -1;
function pin() {
  const last = log.lastElementChild;
  if (!last || !stick) return;
  const room = log.clientHeight - last.offsetHeight;
  if (room < 0) log.scrollTop = last.offsetTop - 8;
  else if (room < 16) log.scrollTop = last.offsetTop - room / 2;
  else log.scrollTop = log.scrollHeight;
  pinnedAt = log.scrollTop;
}
// Only the citizen's own scrolling unpins the log (reading back); the scroll events of pin() itself do not.
log.addEventListener('scroll', () => {
  const last = log.lastElementChild;
  if (!last || Math.abs(log.scrollTop - pinnedAt) < 2) return;
  const bottom = log.scrollTop + log.clientHeight;
  stick = bottom >= log.scrollHeight - 24 || (last.offsetTop - 8 <= log.scrollTop + 2 && last.offsetTop + last.offsetHeight >= bottom - 2);
}, { passive: true });
// The log shrinks when quick replies appear or the keyboard opens: the newest message stays in view.
// So do messages that grow after they are shown (a thumbnail or a player that loads).
const resized = new ResizeObserver(() => pin());
resized.observe(log);

const CODE_ANYWHERE = /\b[CASB]-[0-9A-Z]{5}-[0-9A-Z]{5}\b/g;

function show(text, who, media) {
  const div = document.createElement('div');
  div.className = `msg ${who}`;
  div.dir = 'auto';
  if (text) render(div, text);
  if (media) div.append(media);
  log.appendChild(div);
  if (media) resized.observe(div);
  if (who !== 'me') {
    const codes = text.match(CODE_ANYWHERE);
    if (codes) rememberCode(codes.at(-1));
  }
  stick = true;
  pin();
  return div;
}

function rememberCode(code) {
  localStorage.setItem('nafidha.lastCode', code);
  document.getElementById('last-code-value').textContent = code;
  document.getElementById('last-code').hidden = false;
}

function showChoices(list) {
  const hadFocus = choicesBox.contains(document.activeElement);
  choicesBox.replaceChildren();
  for (const c of list || []) {
    const b = document.createElement('button');
    b.type = 'button';
    b.dir = 'auto';
    b.textContent = c.title;
    b.dataset.payload = c.payload;
    b.addEventListener('click', (e) => {
      remember(c.payload, c.title);
      // Chosen with the keyboard: the focus goes on to the text box rather than being lost with the buttons.
      const byKeyboard = e.detail === 0;
      send(c.payload, c.title);
      if (byKeyboard) input.focus();
    });
    choicesBox.appendChild(b);
  }
  if (hadFocus && !choicesBox.contains(document.activeElement)) input.focus();
  requestAnimationFrame(pin);
}

function remember(payload, title) {
  if (!payload.startsWith('/')) return;
  labels[payload] = title;
  const keys = Object.keys(labels);
  for (const k of keys.slice(0, Math.max(0, keys.length - 200))) delete labels[k];
  localStorage.setItem('nafidha.labels', JSON.stringify(labels));
}

// --- Talking to the server ----------------------------------------------------------------------------------

function raw(message) {
  const data = JSON.stringify({ ...message, user: session.user, channel: 'websocket', id: crypto.randomUUID(), lang });
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(data);
  else queue.push(data);
}

function send(text, display = text, extra = {}, media) {
  if (display || media) show(display, 'me', media);
  showChoices([]);
  raw({ type: 'message', text, ...extra });
}

function connect(opening) {
  const proto = location.protocol === 'https:' ? 'wss' : 'ws';
  socket = new WebSocket(`${proto}://${location.host}/chat/ws`);
  socket.addEventListener('open', () => {
    retry = 500;
    // The first message proves the socket holds this chat's key; the server reads nothing of it before.
    socket.send(JSON.stringify({ type: opening, user: session.user, key: session.key, channel: 'websocket', lang }));
    opening = 'welcome_back';
    for (const m of queue.splice(0)) socket.send(m);
  });
  socket.addEventListener('message', (event) => {
    const m = JSON.parse(event.data);
    if (m.type !== 'message' || !m.text) return;
    // Messages sent outside a reply (staff, notifications) carry an id: confirm it, and show it once even when the
    // server sends it again after a dropped connection.
    if (m.id) {
      socket.send(JSON.stringify({ type: 'ack', ack: m.id, user: session.user, channel: 'websocket' }));
      if (shown.has(m.id)) return;
      shown.add(m.id);
    }
    show(m.text, m.from === 'staff' ? 'staff' : 'bot');
    showChoices(m.quick_replies);
  });
  socket.addEventListener('close', (event) => {
    // The key no longer opens the chat (the server's database was reset): a new chat, greeted anew.
    const refused = event.code === NOT_YOUR_CHAT;
    setTimeout(() => (refused ? openSession().then((s) => { session = s; connect('hello'); }, () => connect(opening)) : connect(opening)), retry);
    retry = Math.min(retry * 2, 10000);
  });
}
const NOT_YOUR_CHAT = 4403;

async function openSession() {
  const res = await fetch('/chat/session', { method: 'POST' });
  if (!res.ok) throw new Error(`session ${res.status}`);
  const s = await res.json();
  localStorage.setItem('nafidha.session', JSON.stringify(s));
  localStorage.removeItem('nafidha.lastCode');
  return s;
}

/** The chat as the server keeps it; true when there was something to show. */
async function restore() {
  const res = await fetch('/chat/history', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(session) });
  if (res.status === 403) return undefined;
  if (!res.ok) throw new Error(`history ${res.status}`);
  const h = await res.json();
  let any = false;
  for (const line of h.lines) {
    let text = line.text;
    if (line.from === 'citizen' && text.startsWith('/')) text = labels[text] || '';
    if (!text) continue;
    show(text, line.from === 'citizen' ? 'me' : line.from === 'staff' ? 'staff' : 'bot');
    any = true;
  }
  if (any) showChoices(h.choices);
  return any;
}

/** The municipality's languages; a choice it no longer offers falls back to what pickLang finds. */
async function loadConfig() {
  try {
    const res = await fetch('/chat/config');
    if (!res.ok) return;
    const c = await res.json();
    if (!Array.isArray(c.languages)) return;
    languages = c.languages;
    localStorage.setItem('nafidha.languages', JSON.stringify(languages));
    setLang(pickLang());
  } catch {
    // The server is not answering yet: the languages of the last visit stay.
  }
}

async function start() {
  await loadConfig();
  const saved = localStorage.getItem('nafidha.lastCode');
  if (saved) rememberCode(saved);
  let restored = false;
  // The socket needs the chat's key: until the server opens a chat, try again (the server may be starting).
  for (let wait = 500; !session?.key; wait = Math.min(wait * 2, 10000)) {
    try { session = await openSession(); } catch { await new Promise((r) => setTimeout(r, wait)); }
  }
  try {
    let r = await restore();
    // A key the server does not know (its database was reset): a new chat.
    if (r === undefined) { session = await openSession(); r = false; }
    restored = r;
  } catch {
    // The server is not answering yet: the socket retries on its own; history waits for the next visit.
  }
  connect(restored ? 'welcome_back' : 'hello');
}

// --- The message bar ----------------------------------------------------------------------------------------

form.addEventListener('submit', (e) => {
  e.preventDefault();
  const text = input.value;
  if (!text.trim()) return;
  input.value = '';
  send(text);
});

langButton.addEventListener('click', () => {
  setLang(nextLang(lang));
  send(`/lang ${lang}`, '');
});

document.getElementById('locate').addEventListener('click', () => {
  if (!navigator.geolocation) return;
  navigator.geolocation.getCurrentPosition((pos) => {
    const { latitude: lat, longitude: lon } = pos.coords;
    send('', `📍 ${lat.toFixed(5)}, ${lon.toFixed(5)}`, { location: { lat, lon } });
  });
});

// The upload's refusals, in the citizen's language (the server answers with a code and an English hint).
const UPLOAD_ERRORS = {
  'not-a-photo': { ar: 'أرسل صورة JPEG أو PNG أو WebP حتى 5 ميغابايت.', en: 'Send a JPEG, PNG or WebP photo up to 5 MB.', fr: 'Envoyez une photo JPEG, PNG ou WebP de 5 Mo au plus.' },
  'photo-too-large': { ar: 'الصورة أكبر من 5 ميغابايت.', en: 'The photo is larger than 5 MB.', fr: 'La photo dépasse 5 Mo.' },
  'not-filing-a-complaint': { ar: 'تُضاف الصور أثناء تقديم شكوى.', en: 'Photos are added while filing a complaint.', fr: "Les photos s'ajoutent pendant le dépôt d'une plainte." },
  'too-many-photos': { ar: 'وصلت الشكوى إلى عدد الصور الأقصى.', en: 'This complaint has as many photos as it can take.', fr: "Cette plainte a déjà autant de photos qu'elle peut en recevoir." },
  'too-many-bytes': { ar: 'وصلت الشكوى إلى الحجم الأقصى للصور.', en: 'This complaint has as many photos as it can take.', fr: "Cette plainte a déjà autant de photos qu'elle peut en recevoir." },
  'too-many-uploads': { ar: 'ملفات كثيرة خلال وقت قصير؛ حاول بعد دقائق.', en: 'Too many files in a short time; try again in a few minutes.', fr: 'Trop de fichiers en peu de temps ; réessayez dans quelques minutes.' },
  'upload-in-progress': { ar: 'ملف واحد في كل مرة من فضلك.', en: 'One file at a time, please.', fr: "Un fichier à la fois, s'il vous plaît." },
  'not-audio': { ar: 'أرسل تسجيلًا صوتيًا (WebM أو Ogg أو MP3 أو M4A أو WAV) حتى 5 ميغابايت.', en: 'Send a recording (WebM, Ogg, MP3, M4A or WAV) up to 5 MB.', fr: 'Envoyez un enregistrement (WebM, Ogg, MP3, M4A ou WAV) de 5 Mo au plus.' },
  'audio-too-large': { ar: 'التسجيل أكبر من 5 ميغابايت.', en: 'The recording is larger than 5 MB.', fr: "L'enregistrement dépasse 5 Mo." },
};

async function upload(blob, type) {
  const res = await fetch(`/chat/upload?user=${encodeURIComponent(session.user)}`, { method: 'POST', headers: { 'content-type': type }, body: blob });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) { show(UPLOAD_ERRORS[body.error]?.[lang] || body.hint || T[lang].uploadFailed, 'bot'); return undefined; }
  return body;
}

async function sendPhoto(file) {
  const saved = await upload(file, file.type);
  if (!saved) return;
  const img = document.createElement('img');
  img.className = 'thumb';
  img.alt = `${T[lang].photo}: ${file.name}`;
  img.src = URL.createObjectURL(file);
  img.addEventListener('load', () => pin(), { once: true });
  send('', '', { attachments: [{ mediaId: saved.mediaId, kind: 'image', mimeType: file.type }] }, img);
}

async function sendAudio(blob, name) {
  const type = (blob.type || 'audio/webm').split(';')[0];
  const saved = await upload(blob, type);
  if (!saved) return;
  const audio = document.createElement('audio');
  audio.controls = true;
  audio.preload = 'metadata';
  audio.src = URL.createObjectURL(blob);
  audio.setAttribute('aria-label', `${T[lang].voice}${name ? `: ${name}` : ''}`);
  send('', '', { attachments: [{ mediaId: saved.mediaId, kind: 'audio', mimeType: saved.mimeType }] }, audio);
}

document.getElementById('attach').addEventListener('click', () => fileInput.click());
fileInput.addEventListener('change', async (e) => {
  const file = e.target.files[0];
  e.target.value = '';
  if (!file) return;
  if (file.type.startsWith('audio/')) await sendAudio(file, file.name);
  else await sendPhoto(file);
});

// Voice notes: recorded in the page (MediaRecorder), sent when the citizen stops, at most two minutes long.
let recorder;
function setRecording(on) {
  const t = T[lang];
  recordButton.setAttribute('aria-pressed', String(on));
  recordButton.setAttribute('aria-label', on ? t.stop : t.record);
  recordButton.title = on ? t.stop : t.record;
}
recordButton.addEventListener('click', async () => {
  if (recorder?.state === 'recording') { recorder.stop(); return; }
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  } catch {
    show(T[lang].noMic, 'bot');
    return;
  }
  const chunks = [];
  recorder = new MediaRecorder(stream);
  recorder.addEventListener('dataavailable', (e) => { if (e.data.size) chunks.push(e.data); });
  recorder.addEventListener('stop', () => {
    for (const track of stream.getTracks()) track.stop();
    setRecording(false);
    if (chunks.length) sendAudio(new Blob(chunks, { type: recorder.mimeType || 'audio/webm' }), '');
  });
  // In slices, so a long recording is not one buffer at the end; the count tells the page (and its test) it records.
  recorder.addEventListener('dataavailable', () => { recordButton.dataset.recorded = String(chunks.length); });
  recorder.start(500);
  setRecording(true);
  setTimeout(() => { if (recorder?.state === 'recording') recorder.stop(); }, 120_000);
});

if (params.get('embed') === '1') document.documentElement.classList.add('embedded');
setLang(lang, false);
start().then(() => { window.nafidha = { user: session.user, ready: true }; });
