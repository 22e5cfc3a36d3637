// The embeddable web chat: one tag on the municipality's own website adds a bubble that opens the same chat in a
// frame served by Nafidha (so the chat's id, key and socket stay on Nafidha's origin, never the host page's).
//   <script src="https://chat.example.gov.ly/chat/widget.js" data-lang="ar" data-position="left" data-color="#0b6e4f" defer></script>
// Styles are set through the DOM (not a <style> element), so a host page's strict style-src needs no change.
(() => {
  const script = document.currentScript;
  if (!script || window.nafidhaWidget) return;
  const base = new URL(script.src, location.href).origin;
  const data = script.dataset;
  const TEXTS = {
    ar: { open: 'تحدث مع البلدية', close: 'إغلاق المحادثة', title: 'محادثة البلدية' },
    en: { open: 'Chat with the municipality', close: 'Close the chat', title: 'Municipality chat' },
    fr: { open: 'Discuter avec la municipalité', close: 'Fermer la conversation', title: 'Conversation avec la municipalité' },
  };
  const lang = Object.hasOwn(TEXTS, data.lang) ? data.lang : 'ar';
  // The bubble sits at the end of the reading direction unless the page says otherwise: left in Arabic, right in
  // English and French.
  const side = data.position === 'left' || data.position === 'right' ? data.position : lang === 'ar' ? 'left' : 'right';
  const color = data.color && CSS.supports('color', data.color) ? data.color : '#0b6e4f';
  const text = TEXTS[lang];

  const bubble = document.createElement('button');
  bubble.type = 'button';
  bubble.id = 'nafidha-widget-button';
  bubble.setAttribute('aria-label', text.open);
  bubble.setAttribute('aria-expanded', 'false');
  bubble.setAttribute('aria-controls', 'nafidha-widget-panel');
  bubble.innerHTML = '<svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true" focusable="false"><path fill="currentColor" d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8l-5 4V5a2 2 0 0 1 1-2z"/></svg>';
  Object.assign(bubble.style, {
    position: 'fixed', bottom: '20px', [side]: '20px', width: '60px', height: '60px', borderRadius: '50%', border: '0',
    background: color, color: '#fff', boxShadow: '0 4px 14px rgba(0,0,0,.3)', cursor: 'pointer', zIndex: '2147483646',
    display: 'flex', alignItems: 'center', justifyContent: 'center', padding: '0',
  });

  const panel = document.createElement('div');
  panel.id = 'nafidha-widget-panel';
  panel.hidden = true;
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-label', text.title);
  Object.assign(panel.style, {
    position: 'fixed', bottom: '92px', [side]: '20px', width: 'min(380px, calc(100vw - 24px))', height: 'min(620px, calc(100vh - 112px))',
    borderRadius: '12px', overflow: 'hidden', boxShadow: '0 8px 28px rgba(0,0,0,.3)', zIndex: '2147483647', background: '#fff',
  });
  // A phone: the chat takes the whole screen above the bubble.
  if (window.matchMedia('(max-width: 480px)').matches) Object.assign(panel.style, { width: 'calc(100vw - 16px)', [side]: '8px', height: 'calc(100vh - 100px)' });

  let frame;
  function open(on) {
    if (on && !frame) {
      frame = document.createElement('iframe');
      frame.src = `${base}/?embed=1&lang=${lang}`;
      frame.title = text.title;
      frame.allow = 'microphone; geolocation';
      Object.assign(frame.style, { width: '100%', height: '100%', border: '0', display: 'block' });
      panel.appendChild(frame);
    }
    panel.hidden = !on;
    bubble.setAttribute('aria-expanded', String(on));
    bubble.setAttribute('aria-label', on ? text.close : text.open);
    if (on) frame.focus();
  }
  bubble.addEventListener('click', () => open(panel.hidden));
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape' && !panel.hidden) { open(false); bubble.focus(); } });

  const mount = () => { document.body.append(panel, bubble); };
  if (document.body) mount(); else document.addEventListener('DOMContentLoaded', mount);
  window.nafidhaWidget = { open: () => open(true), close: () => open(false) };
})();
