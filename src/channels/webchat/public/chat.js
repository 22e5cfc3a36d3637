// The web chat client: speaks botkit's web adapter protocol over a websocket. Citizen and bot text are shown
// with textContent only, never as HTML.
const log = document.getElementById('log');
const choicesBox = document.getElementById('choices');
const form = document.getElementById('composer');
const input = document.getElementById('text');
const langButton = document.getElementById('lang');

let user = localStorage.getItem('nafidha.user');
const returning = Boolean(user);
if (!user) {
  user = crypto.randomUUID();
  localStorage.setItem('nafidha.user', user);
}
let lang = localStorage.getItem('nafidha.lang') || (navigator.language?.startsWith('ar') ? 'ar' : 'en');
let socket;
let queue = [];
let retry = 500;
const shown = new Set();

function setLang(l) {
  lang = l;
  localStorage.setItem('nafidha.lang', l);
  document.documentElement.lang = l;
  document.documentElement.dir = l === 'ar' ? 'rtl' : 'ltr';
  langButton.textContent = l === 'ar' ? 'English' : 'عربي';
  document.getElementById('send').textContent = l === 'ar' ? 'إرسال' : 'Send';
  document.getElementById('title').textContent = l === 'ar' ? 'نافذة البلدية' : 'Municipality single window';
}

function show(text, who) {
  const div = document.createElement('div');
  div.className = `msg ${who}`;
  div.dir = 'auto';
  div.textContent = text;
  log.appendChild(div);
  log.scrollTop = log.scrollHeight;
}

function showChoices(list) {
  choicesBox.replaceChildren();
  for (const c of list || []) {
    const b = document.createElement('button');
    b.type = 'button';
    b.dir = 'auto';
    b.textContent = c.title;
    b.addEventListener('click', () => send(c.payload, c.title));
    choicesBox.appendChild(b);
  }
}

function raw(message) {
  const data = JSON.stringify({ ...message, user, channel: 'websocket', id: crypto.randomUUID(), lang });
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(data);
  else queue.push(data);
}

function send(text, shown = text, extra = {}) {
  if (shown) show(shown, 'me');
  showChoices([]);
  raw({ type: 'message', text, ...extra });
}

function connect() {
  const proto = location.protocol === 'https:' ? 'wss' : 'ws';
  socket = new WebSocket(`${proto}://${location.host}/chat/ws`);
  socket.addEventListener('open', () => {
    retry = 500;
    socket.send(JSON.stringify({ type: returning ? 'welcome_back' : 'hello', user, channel: 'websocket', lang }));
    for (const m of queue.splice(0)) socket.send(m);
  });
  socket.addEventListener('message', (event) => {
    const m = JSON.parse(event.data);
    if (m.type !== 'message' || !m.text) return;
    // Messages sent outside a reply (staff, notifications) carry an id: confirm it, and show it once even when the
    // server sends it again after a dropped connection.
    if (m.id) {
      socket.send(JSON.stringify({ type: 'ack', ack: m.id, user, channel: 'websocket' }));
      if (shown.has(m.id)) return;
      shown.add(m.id);
    }
    show(m.text, m.from === 'staff' ? 'staff' : 'bot');
    showChoices(m.quick_replies);
  });
  socket.addEventListener('close', () => {
    setTimeout(connect, retry);
    retry = Math.min(retry * 2, 10000);
  });
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  const text = input.value;
  if (!text.trim()) return;
  input.value = '';
  send(text);
});

langButton.addEventListener('click', () => {
  setLang(lang === 'ar' ? 'en' : 'ar');
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
  'not-a-photo': { ar: 'أرسل صورة JPEG أو PNG أو WebP حتى 5 ميغابايت.', en: 'Send a JPEG, PNG or WebP photo up to 5 MB.' },
  'photo-too-large': { ar: 'الصورة أكبر من 5 ميغابايت.', en: 'The photo is larger than 5 MB.' },
  'not-filing-a-complaint': { ar: 'تُضاف الصور أثناء تقديم شكوى.', en: 'Photos are added while filing a complaint.' },
  'too-many-photos': { ar: 'وصلت الشكوى إلى عدد الصور الأقصى.', en: 'This complaint has as many photos as it can take.' },
  'too-many-bytes': { ar: 'وصلت الشكوى إلى الحجم الأقصى للصور.', en: 'This complaint has as many photos as it can take.' },
  'too-many-uploads': { ar: 'صور كثيرة خلال وقت قصير؛ حاول بعد دقائق.', en: 'Too many photos in a short time; try again in a few minutes.' },
  'upload-in-progress': { ar: 'صورة واحدة في كل مرة من فضلك.', en: 'One photo at a time, please.' },
};

document.getElementById('photo').addEventListener('change', async (e) => {
  const file = e.target.files[0];
  e.target.value = '';
  if (!file) return;
  const res = await fetch(`/chat/upload?user=${encodeURIComponent(user)}`, { method: 'POST', headers: { 'content-type': file.type }, body: file });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) { show(UPLOAD_ERRORS[body.error]?.[lang] || body.hint || (lang === 'ar' ? 'تعذّر رفع الصورة' : 'upload failed'), 'bot'); return; }
  send('', `📷 ${file.name}`, { attachments: [{ mediaId: body.mediaId, kind: 'image', mimeType: file.type }] });
});

setLang(lang);
connect();
window.nafidha = { user };
