import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shippedContent } from '../helpers/assistant.js';
import { RecordingSender, StaffClient, startTestServer, until, type TestServer } from '../helpers/server.js';
import { axeSerious, payloads, repliesIn, say, SHOTS, step, tap, TRACKING_CODE, type ChatView } from '../helpers/webchat-page.js';

// Issue 11: with fr among the municipality's languages, the web chat page, the widget and the console's choices of
// a citizen's language are French too. The page's own words are French, left to right, and fit a 360 px phone.

const TELEGRAM = '700900100';
let server: TestServer;
let site: http.Server;
let siteUrl = '';
let browser: Browser;
const telegram = new RecordingSender('telegram');

beforeAll(async () => {
  site = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Site de la municipalité</title></head>
<body><main><h1>Municipalité d'Al-Waha</h1><p>Bienvenue sur le site de la municipalité.</p></main><script src="${server.url}/chat/widget.js" data-lang="fr"></script></body></html>`);
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  server = await startTestServer({ dbName: 'webchat_french_browser', senders: [telegram], embedOrigins: [siteUrl] });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await new Promise<void>((r) => (site ? site.close(() => r()) : r()));
});

async function phone(locale: string, url: string): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ locale, viewport: { width: 360, height: 740 }, hasTouch: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { nafidha?: { ready?: boolean } }).nafidha?.ready === true);
  return { page, errors };
}

/** The page's own words as a person (and a screen reader) meets them. */
const pageWords = (view: ChatView) => view.evaluate(() => {
  const attr = (id: string, name: string) => document.getElementById(id)!.getAttribute(name);
  return {
    lang: document.documentElement.lang, dir: document.documentElement.dir, title: document.getElementById('title')!.textContent,
    send: document.getElementById('send')!.textContent, placeholder: (document.getElementById('text') as HTMLInputElement).placeholder,
    textLabel: document.getElementById('text-label')!.textContent, langButton: document.getElementById('lang')!.textContent,
    langButtonLabel: attr('lang', 'aria-label'), locate: attr('locate', 'aria-label'), attach: attr('attach', 'aria-label'),
    record: attr('record', 'aria-label'), log: attr('log', 'aria-label'), choices: attr('choices', 'aria-label'),
  };
});

/** Text cut off in the header (an ellipsis) or a button wider than its box. */
const clipped = (view: ChatView) => view.evaluate(() => [...document.querySelectorAll<HTMLElement>('header h1, header button, #send, #choices button')]
  .filter((el) => el.scrollWidth > el.clientWidth + 1).map((el) => `${el.id || el.tagName}: "${el.textContent}" needs ${el.scrollWidth}px, has ${el.clientWidth}px`));

/** Answers the complaint's questions in French until its receipt (a tracking code) arrives. */
async function fileInFrench(view: ChatView, page: Page): Promise<string> {
  for (let i = 0; i < 12; i++) {
    const last = await view.locator('#log .msg.bot').last().innerText();
    if (TRACKING_CODE.test(last)) return last;
    const offered = await payloads(view);
    const next = ['/confirm', '/anonymous', '/yes', '/skip', '/next', '/cat roads'].find((p) => offered.includes(p));
    if (next) await tap(view, next);
    else await say(view, /Où se trouve/.test(last) ? 'Rue Omar Al-Mokhtar, en face de la pharmacie' : "Un trou profond au milieu de la chaussée depuis deux semaines, les voitures l'évitent");
    await step(page, `webchat-fr-360-complaint-${String(i + 1).padStart(2, '0')}`, view);
  }
  throw new Error('no receipt after 12 steps');
}

describe('the web chat page in French', () => {
  it('?lang=fr shows the page in French, left to right, and a French writer gets guidance and a receipt in French', async () => {
    const { page, errors } = await phone('en-GB', `${server.url}/?lang=fr`);
    await page.waitForSelector('#choices button');
    expect(await pageWords(page)).toEqual({
      lang: 'fr', dir: 'ltr', title: 'Guichet unique municipal', send: 'Envoyer', placeholder: 'Message', textLabel: 'Écrivez votre message',
      // The button names the next of the municipality's languages (ar, en, fr) in that language.
      langButton: 'عربي', langButtonLabel: 'التبديل إلى العربية',
      locate: 'Partager ma position', attach: 'Joindre une photo ou un enregistrement vocal', record: 'Enregistrer un message vocal',
      log: 'Conversation', choices: 'Réponses proposées',
    });
    expect(await page.locator('#log .msg.bot').first().innerText()).toContain('Bienvenue au guichet unique');
    // Left to right: the citizen's bubbles on the right, the send button at the end of the bar.
    const bar = await page.evaluate(() => ({ text: document.getElementById('text')!.getBoundingClientRect().left, send: document.getElementById('send')!.getBoundingClientRect().left }));
    expect(bar.send).toBeGreaterThan(bar.text);
    await step(page, 'webchat-fr-360-01-greeting');
    expect(await clipped(page)).toEqual([]);
    expect(await axeSerious(page)).toEqual([]);

    const guidance = await say(page, "Bonjour, quels papiers faut-il pour un extrait d'état civil ?");
    expect(guidance).toContain("📄 Extrait d'état civil");
    expect(guidance).toContain('Documents à fournir :');
    const mine = await page.locator('#log .msg.me').last().boundingBox();
    expect(mine!.x + mine!.width).toBeGreaterThan(300);
    await step(page, 'webchat-fr-360-02-guidance');
    expect(await clipped(page)).toEqual([]);

    await say(page, 'Je veux déposer une plainte, il y a un grand trou dans la route devant chez moi');
    const receipt = await fileInFrench(page, page);
    expect(receipt).toContain('✅ Votre plainte est enregistrée.');
    expect(receipt).toContain('Transmise à : Service des travaux publics');
    expect(await page.locator('#last-code-label').textContent()).toBe('Votre dernier code de suivi :');
    await step(page, 'webchat-fr-360-03-receipt');
    expect(await clipped(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('a French browser gets the page in French; the button goes round ar, en and fr, and the choice is kept', async () => {
    const { page, errors } = await phone('fr-FR', `${server.url}/`);
    await page.waitForSelector('#choices button');
    expect((await pageWords(page)).lang).toBe('fr');
    expect(await page.locator('#log .msg.bot').first().innerText()).toContain('Bienvenue');
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      const before = await repliesIn(page);
      await page.click('#lang');
      await page.waitForFunction((n) => document.querySelectorAll('#log .msg.bot').length > n, before);
      const w = await pageWords(page);
      seen.push(`${w.lang}/${w.dir}/${w.send}/${w.langButton}`);
      await step(page, `webchat-fr-360-04-switched-${w.lang}`);
      expect(await clipped(page), w.lang).toEqual([]);
      // The title is never cut off: at most it takes two lines beside the language button.
      expect(await page.locator('#title').evaluate((el) => el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight)), w.lang).toBeLessThan(2.1);
    }
    expect(seen).toEqual(['ar/rtl/إرسال/English', 'en/ltr/Send/Français', 'fr/ltr/Envoyer/عربي']);
    expect(await page.locator('#log .msg.bot').last().innerText()).toContain("D'accord, je vous écrirai en français.");
    // Back to Arabic, then a new visit: the stored choice wins over the browser's French.
    await page.click('#lang');
    await page.waitForFunction(() => document.documentElement.lang === 'ar');
    await page.reload();
    await page.waitForFunction(() => (window as unknown as { nafidha?: { ready?: boolean } }).nafidha?.ready === true);
    expect((await pageWords(page)).lang).toBe('ar');
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('the page is told the municipality\'s languages', async () => {
    const res = await fetch(`${server.url}/chat/config`);
    expect(await res.json()).toEqual({ languages: ['ar', 'en', 'fr'] });
  });
});

describe('the widget in French', () => {
  it('data-lang="fr": French words, the bubble bottom right, the chat in French', async () => {
    const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${siteUrl}/`);
    const bubble = page.locator('#nafidha-widget-button');
    await bubble.waitFor();
    expect((await bubble.boundingBox())!.x).toBeGreaterThan(180);
    expect(await bubble.getAttribute('aria-label')).toBe('Discuter avec la municipalité');
    await bubble.click();
    expect(await bubble.getAttribute('aria-label')).toBe('Fermer la conversation');
    expect(await page.locator('#nafidha-widget-panel').getAttribute('aria-label')).toBe('Conversation avec la municipalité');
    await page.frameLocator('#nafidha-widget-panel iframe').locator('#choices button').first().waitFor({ timeout: 15_000 });
    const chat = page.frames().find((f) => f.url().startsWith(server.url))!;
    expect(await pageWords(chat)).toMatchObject({ lang: 'fr', dir: 'ltr', send: 'Envoyer' });
    expect(await chat.locator('#log .msg.bot').first().innerText()).toContain('Bienvenue');
    await step(page, 'widget-fr-360-open', chat);
    expect(await clipped(chat)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});

describe('the console offers French for a citizen', () => {
  it('the caller form offers French, and a complaint filed for a French caller is followed up in French', async () => {
    const password = await server.addStaff('rania', 'supervisor');
    const context = await browser.newContext({ locale: 'en', viewport: { width: 1280, height: 860 } });
    const p = await context.newPage();
    const errors: string[] = [];
    p.on('pageerror', (e) => errors.push(e.message));
    await p.goto(`${server.url}/console/`);
    await p.fill('input[name=username]', 'rania');
    await p.fill('input[name=password]', password);
    await p.click('#signin button[type=submit]');
    await p.waitForSelector('#queue-waiting');
    if ((await p.getAttribute('html', 'lang')) !== 'en') { await p.click('#lang'); await p.waitForSelector('html[lang=en]'); }

    await p.click('a[href="#/file"]');
    const langs = () => p.locator('#file-form select[name=lang] option').evaluateAll((os) => os.map((o) => `${(o as HTMLOptionElement).value}:${o.textContent}`));
    expect(await langs()).toEqual(['ar:Arabic', 'en:English', 'fr:French']);
    await p.selectOption('#file-form select[name=category]', 'roads');
    await p.fill('#file-form textarea[name=description]', 'Nid-de-poule devant l\'école');
    await p.fill('#file-form input[name=location]', 'Rue de la Paix');
    await p.fill('#file-form input[name=name]', 'Claire');
    await p.fill('#file-form input[name=phone]', '0913334444');
    await p.selectOption('#file-form select[name=channel]', 'telegram');
    await p.fill('#file-form input[name=user]', TELEGRAM);
    await p.check('#file-form input[name=consentToContact]');
    await p.selectOption('#file-form select[name=lang]', 'fr');
    await p.screenshot({ path: path.join(SHOTS, 'console-caller-fr.png'), fullPage: true });
    await p.click('#file-form button[type=submit]');
    const code = (await p.locator('#filed-code').textContent())!;
    expect(code).toMatch(/^C-/);
    expect((await server.nafidha.complaints.find(code))?.lang).toBe('fr');

    // The counter's other forms offer the same languages; the console's own words stay English.
    await p.click('a[href="#/applications"]');
    await p.locator('#register-form').waitFor();
    expect(await p.locator('#register-form select[name=lang] option').allTextContents()).toEqual(['Arabic', 'English', 'French']);
    await p.click('a[href="#/bookings"]');
    await p.locator('#book-form').waitFor();
    expect(await p.locator('#book-form select[name=lang] option').allTextContents()).toEqual(['Arabic', 'English', 'French']);
    await p.click('#lang');
    await p.waitForSelector('html[lang=ar]');
    await p.click('a[href="#/applications"]');
    await p.locator('#register-form').waitFor();
    expect(await p.locator('#register-form select[name=lang] option').allTextContents()).toEqual(['عربي', 'إنجليزي', 'فرنسي']);
    expect(errors).toEqual([]);
    await context.close();

    const staff = new StaffClient(server.url);
    expect((await staff.signIn('rania', password)).status).toBe(200);
    const changed = await staff.json<{ notified: boolean }>('POST', `/console/api/complaints/${code}/status`, { status: 'in-progress' });
    expect(changed.body.notified).toBe(true);
    const sent = await until(() => telegram.sent.find((s) => s.user === TELEGRAM), 10_000);
    expect(sent.reply.lang).toBe('fr');
    expect(sent.reply.text).toContain(`Suivi de votre plainte ${code} :`);

    // A booking for a French caller is kept in French (its reminder goes in French).
    const { body: catalog } = await staff.json<{ branches: { id: string; services: { id: string; request?: boolean }[] }[] }>('GET', '/console/api/bookings/catalog');
    const branch = catalog.branches[0];
    const service = branch.services.find((x) => !x.request)!.id;
    let booked: { status: number; body: { booking?: { code: string } } } | undefined;
    for (let i = 1; i <= 21 && !booked; i++) {
      const day = new Date(Date.now() + i * 86_400_000).toISOString().slice(0, 10);
      const { body } = await staff.json<{ slots: { time: string; free: number }[] }>('GET', `/console/api/bookings/slots?branch=${branch.id}&service=${service}&day=${day}`);
      const slot = body.slots?.find((x) => x.free > 0);
      if (slot) booked = await staff.json('POST', '/console/api/bookings', { branch: branch.id, service, day, time: slot.time, name: 'Claire', phone: '0913334444', lang: 'fr' });
    }
    expect(booked?.status, JSON.stringify(booked?.body)).toBe(200);
    expect((await server.nafidha.bookings.find(booked!.body.booking!.code))?.lang).toBe('fr');
  }, 120_000);
});

describe('a municipality without French', () => {
  it('shows the page in English to ?lang=fr and to a French browser, and the console offers Arabic and English only', async () => {
    const { content } = shippedContent();
    const noFrench = await startTestServer({ dbName: 'webchat_no_french', content: { ...content, municipality: { ...content.municipality, languages: ['ar', 'en'] } } });
    try {
      expect(await (await fetch(`${noFrench.url}/chat/config`)).json()).toEqual({ languages: ['ar', 'en'] });
      for (const [locale, url] of [['en-GB', `${noFrench.url}/?lang=fr`], ['fr-FR', `${noFrench.url}/`]]) {
        const { page, errors } = await phone(locale, url);
        await page.waitForSelector('#choices button');
        expect(await pageWords(page), url).toMatchObject({ lang: 'en', dir: 'ltr', send: 'Send', langButton: 'عربي' });
        expect(await page.locator('#log .msg.bot').first().innerText()).toContain('Welcome');
        // The button goes between the two languages only.
        await page.click('#lang');
        await page.waitForFunction(() => document.documentElement.lang === 'ar');
        expect((await pageWords(page)).langButton).toBe('English');
        expect(errors).toEqual([]);
        await page.context().close();
      }

      const password = await noFrench.addStaff('hadi', 'agent');
      const staff = new StaffClient(noFrench.url);
      expect((await staff.signIn('hadi', password)).status).toBe(200);
      expect((await staff.json<{ languages: string[] }>('GET', '/console/api/catalog')).body.languages).toEqual(['ar', 'en']);
      // A French choice sent anyway is filed in English, as the kernel would answer a French writer here.
      const filed = await staff.json<{ code: string }>('POST', '/console/api/complaints', { category: 'roads', description: 'Nid-de-poule', privacy: 'anonymous', lang: 'fr' });
      expect((await noFrench.nafidha.complaints.find(filed.body.code))?.lang).toBe('en');
    } finally {
      await noFrench.close();
    }
  }, 120_000);
});
