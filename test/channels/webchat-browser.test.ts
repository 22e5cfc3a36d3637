import { deflateSync } from 'node:zlib';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toneWav } from '../helpers/audio.js';
import { StaffClient, startTestServer, until, type TestServer } from '../helpers/server.js';
import { axeSerious, nextReply, payloads, repliesIn, say, shot, step, tap, TRACKING_CODE } from '../helpers/webchat-page.js';

// The citizen's web chat in a real browser, on a phone and at a desk, in Arabic and English: every step of a
// complaint leaves the newest reply in view and the bar on screen; a reload brings the chat back from the server;
// numbers and codes keep their order; a photo shows as a thumbnail; a voice note reaches staff; axe finds nothing
// critical or serious; the keyboard alone is enough.

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer({ dbName: 'webchat_browser' });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', '--autoplay-policy=no-user-gesture-required'] });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A real photo (a 96×64 PNG of one colour) so the thumbnail has something to show. */
function photo(w = 96, h = 64): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
  const crc = (b: Buffer) => { let c = 0xffffffff; for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4); sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13); ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2;
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(w * 3, Buffer.from([0x2a, 0x7a, 0xb8]))]);
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.concat(Array(h).fill(row)))), chunk('IEND', Buffer.alloc(0))]);
}

async function openChat(o: { lang: 'ar' | 'en'; width: number; height: number; session?: unknown }): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ locale: o.lang, viewport: { width: o.width, height: o.height }, hasTouch: o.width < 500,
    geolocation: { latitude: 32.8872, longitude: 13.1913 }, permissions: ['geolocation', 'microphone'] });
  await context.addInitScript(([lang, session]) => {
    if (!localStorage.getItem('nafidha.lang')) localStorage.setItem('nafidha.lang', lang as string);
    if (session && !localStorage.getItem('nafidha.session')) localStorage.setItem('nafidha.session', session as string);
  }, [o.lang, o.session ? JSON.stringify(o.session) : ''] as const);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${server.url}/`);
  await page.waitForFunction(() => (window as unknown as { nafidha?: { ready?: boolean } }).nafidha?.ready === true);
  return { context, page, errors };
}

/** Answers whatever the complaint asks next until a receipt with a tracking code arrives; each step checked. */
async function finishComplaint(page: Page, name: string, lang: 'ar' | 'en'): Promise<string> {
  for (let i = 0; i < 12; i++) {
    const last = await page.locator('#log .msg.bot').last().innerText();
    const code = TRACKING_CODE.exec(last)?.[0];
    if (code) return code;
    const offered = await payloads(page);
    const next = ['/confirm', '/named', '/yes', '/next', '/skip'].find((p) => offered.includes(p));
    if (next) await tap(page, next);
    // A question without buttons (a name, a phone number): answered as a citizen would.
    else await say(page, /هاتف|phone|رقم/i.test(last) ? '0912345678' : lang === 'ar' ? 'سلمى علي' : 'Salma Ali');
    await step(page, `${name}-${String(i + 4).padStart(2, '0')}`);
  }
  throw new Error(`${name}: no tracking code after 12 steps`);
}

const runs = [
  { name: 'ar-360x740', lang: 'ar', width: 360, height: 740, photo: true },
  { name: 'en-320x640', lang: 'en', width: 320, height: 640, photo: false },
  { name: 'en-1366x768', lang: 'en', width: 1366, height: 768, photo: true },
  { name: 'ar-1366x768', lang: 'ar', width: 1366, height: 768, photo: false },
] as const;

const sessions: Record<string, { user: string; key: string; code: string }> = {};

/**
 * Whether the first `n` characters of an element are drawn left of its last `n` (the text may be split over nested
 * isolates, so the first and the last text nodes are measured). Runs in the page.
 */
function startsLeftOfEnd(el: Element, n: number): boolean {
  const texts: Text[] = [];
  const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) if ((walk.currentNode as Text).length) texts.push(walk.currentNode as Text);
  const first = texts[0];
  const last = texts[texts.length - 1];
  const range = document.createRange();
  range.setStart(first, 0); range.setEnd(first, Math.min(n, first.length));
  const left = range.getBoundingClientRect().left;
  range.setStart(last, Math.max(0, last.length - n)); range.setEnd(last, last.length);
  return left < range.getBoundingClientRect().left;
}

describe('the web chat on a phone and at a desk', () => {
  for (const run of runs) {
    it(`${run.name}: a whole complaint with the newest reply always in view, no sideways scroll, axe clean`, async () => {
      const { context, page, errors } = await openChat(run);
      await page.waitForSelector('#log .msg.bot');
      await page.waitForSelector('#choices button');
      await step(page, `${run.name}-01-greeting`);
      expect(await axeSerious(page)).toEqual([]);

      const complaint = run.lang === 'ar' ? 'في ماسورة مكسورة والمي عم تتسرب بالشارع من امبارح' : 'there is garbage piling up on our street for a week';
      expect(await say(page, complaint)).toMatch(run.lang === 'ar' ? /المياه|صحيح/ : /Is that right/);
      await step(page, `${run.name}-02-category`);
      await tap(page, '/yes');
      await step(page, `${run.name}-03-where`);
      const before = await repliesIn(page);
      if (run.lang === 'ar') await page.click('#locate');
      else { await page.fill('#text', 'Al-Nasr street, next to the pharmacy'); await page.press('#text', 'Enter'); }
      expect(await nextReply(page, before)).toMatch(/صورة|photo/i);
      await step(page, `${run.name}-03-photo-asked`);

      if (run.photo) {
        const n = await repliesIn(page);
        await page.setInputFiles('#file', { name: 'pipe.png', mimeType: 'image/png', buffer: photo() });
        expect(await nextReply(page, n)).toMatch(/وصلت الصورة|photo/i);
        // The thumbnail is drawn from the photo itself, in the citizen's bubble.
        await page.waitForFunction(() => { const img = document.querySelector<HTMLImageElement>('#log .msg.me img.thumb'); return !!img && img.complete && img.naturalWidth === 96; });
        await step(page, `${run.name}-03-thumbnail`);
      }
      const code = await finishComplaint(page, run.name, run.lang);
      await step(page, `${run.name}-10-receipt`);
      // The code is one unbroken left-to-right run, also in the line that keeps it at the top.
      const codeEl = page.locator('#log .msg.bot').last().locator('bdi.code', { hasText: code });
      expect(await codeEl.evaluate((el) => ({ dir: getComputedStyle(el).direction, ws: getComputedStyle(el).whiteSpace, lines: el.getClientRects().length })))
        .toEqual({ dir: 'ltr', ws: 'nowrap', lines: 1 });
      expect(await page.locator('#last-code-value').innerText()).toBe(code);
      expect(await axeSerious(page)).toEqual([]);

      // The keyboard opens: about 420 px are left; the text box and the newest reply stay on screen.
      await page.setViewportSize({ width: run.width, height: 420 });
      await page.focus('#text');
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      await step(page, `${run.name}-11-keyboard-open`);
      const user = await page.evaluate(() => JSON.parse(localStorage.getItem('nafidha.session')!) as { user: string; key: string });
      sessions[run.name] = { ...user, code };
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  // The same checks on every step of booking an appointment: menu, service, branch, day, time, name, phone,
  // summary, confirmation and receipt.
  const bookingRuns = [
    { name: 'ar-360x740', lang: 'ar', width: 360, height: 740 },
    { name: 'en-360x740', lang: 'en', width: 360, height: 740 },
    { name: 'ar-1366x768', lang: 'ar', width: 1366, height: 768 },
    { name: 'en-1366x768', lang: 'en', width: 1366, height: 768 },
  ] as const;
  for (const run of bookingRuns) {
    it(`${run.name}: an appointment booked from the menu to the receipt, the newest reply always in view, axe clean`, async () => {
      const { context, page, errors } = await openChat(run);
      await page.waitForSelector('#choices button');
      const check = async (n: string) => {
        await step(page, `${run.name}-booking-${n}`);
        expect(await axeSerious(page), n).toEqual([]);
      };
      await check('01-menu');
      await tap(page, '/book');
      await check('02-service');
      const pick = async (prefix: string, preferred?: string) => {
        const offered = await payloads(page);
        const payload = offered.find((p) => p === preferred) ?? offered.find((p) => p.startsWith(`${prefix} `));
        expect(payload, `${run.name}: ${prefix} among ${offered.join(', ')}`).toBeTruthy();
        return tap(page, payload!);
      };
      await pick('/book-service', '/book-service health-certificate');
      await check('03-branch');
      await pick('/book-branch');
      await check('04-day');
      await pick('/book-day');
      await check('05-time');
      expect(await pick('/book-time')).toMatch(run.lang === 'ar' ? /اسم/ : /name/i);
      await check('06-name');
      expect(await say(page, run.lang === 'ar' ? 'نور صالح' : 'Nour Saleh')).toMatch(run.lang === 'ar' ? /هاتف|رقم/ : /phone/i);
      await check('07-phone');
      const summary = await say(page, '0915550000');
      expect(summary).toMatch(run.lang === 'ar' ? /نور صالح/ : /Nour Saleh/);
      await check('08-summary');
      const receipt = await tap(page, '/book-confirm');
      const code = /B-[0-9A-Z]{5}-[0-9A-Z]{5}/.exec(receipt)?.[0];
      expect(code, receipt).toBeTruthy();
      await check('09-receipt');
      // The receipt's code is one unbroken left-to-right run, remembered as the last code.
      const codeEl = page.locator('#log .msg.bot').last().locator('bdi.code', { hasText: code! });
      expect(await codeEl.evaluate((el) => ({ dir: getComputedStyle(el).direction, lines: el.getClientRects().length }))).toEqual({ dir: 'ltr', lines: 1 });
      expect(await page.locator('#last-code-value').innerText()).toBe(code);
      expect((await server.nafidha.bookings.find(code!))).toMatchObject({ status: 'booked', citizen: { phone: '0915550000', chat: { channel: 'web' } } });
      expect(errors).toEqual([]);
      await context.close();
    }, 120_000);
  }

  it('a reload brings the chat back from the server: another browser with only the chat key sees the same history and code', async () => {
    const mine = sessions['ar-360x740'];
    expect(mine).toBeDefined();
    // A fresh browser: no local history, no remembered code, no labels; only the chat's id and key.
    const { context, page, errors } = await openChat({ lang: 'ar', width: 360, height: 740, session: { user: mine.user, key: mine.key } });
    await page.waitForFunction((code) => document.getElementById('log')!.innerText.includes(code), mine.code);
    expect(await page.locator('#last-code-value').innerText()).toBe(mine.code);
    // The citizen's own words are back, and no second greeting was added.
    expect(await page.locator('#log .msg.me').first().innerText()).toContain('ماسورة');
    const greetings = await page.locator('#log .msg.bot').evaluateAll((els) => els.filter((e) => e.textContent!.includes('أهلًا') || e.textContent!.includes('مرحب')).length);
    expect(greetings).toBeLessThanOrEqual(1);
    await step(page, 'history-01-restored');
    // Reloading the same page gives the same log again.
    const count = await page.locator('#log .msg').count();
    await page.reload();
    await page.waitForFunction((n) => document.querySelectorAll('#log .msg').length >= n, count);
    await step(page, 'history-02-reloaded');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a first visit gets the greeting and the menu', async () => {
    const { context, page } = await openChat({ lang: 'en', width: 360, height: 740 });
    await page.waitForSelector('#log .msg.bot');
    await page.waitForSelector('#choices button');
    expect(await page.locator('#log .msg').count()).toBe(1);
    expect((await payloads(page)).length).toBeGreaterThan(0);
    expect(await page.locator('#last-code').isHidden()).toBe(true);
    await context.close();
  });

  it('phone numbers are isolated and tap-to-call, codes never break, in Arabic text', async () => {
    const { context, page } = await openChat({ lang: 'ar', width: 360, height: 740 });
    await page.waitForSelector('#choices button');
    await say(page, 'ما هو رقم هاتف البلدية؟');
    await step(page, 'numbers-01-phone');
    const link = page.locator('#log .msg.bot').last().locator('a.tel').first();
    expect(await link.getAttribute('href')).toBe('tel:+218213601000');
    expect(await link.evaluate((el) => ({ dir: getComputedStyle(el).direction, bidi: getComputedStyle(el).unicodeBidi, text: el.textContent })))
      .toEqual({ dir: 'ltr', bidi: 'isolate', text: '+218 21 360 1000' });
    // Drawn left to right: "+218" is left of "1000" even inside a right-to-left bubble.
    const order = await link.evaluate(startsLeftOfEnd, 4);
    expect(order).toBe(true);
    // Opening hours keep their order too: one left-to-right run from the opening time to the closing time.
    const hours = page.locator('#log .msg.bot').last().locator('bdi').filter({ hasText: /^\d\d:\d\d ?[–-] ?\d\d:\d\d$/ }).first();
    expect(await hours.evaluate(startsLeftOfEnd, 5)).toBe(true);
    await context.close();
  });

  it('keyboard only: Tab reaches the text box, Enter sends, quick replies are reachable and work', async () => {
    const { context, page } = await openChat({ lang: 'en', width: 1366, height: 768 });
    await page.waitForSelector('#choices button');
    let reached = false;
    for (let i = 0; i < 30 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.id === 'text');
    }
    expect(reached).toBe(true);
    let before = await repliesIn(page);
    await page.keyboard.type('how much is a building permit');
    await page.keyboard.press('Enter');
    await nextReply(page, before);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('text');
    // Back (Shift+Tab) to the last quick reply, pressed with Enter.
    let onChoice = false;
    for (let i = 0; i < 10 && !onChoice; i++) {
      await page.keyboard.press('Shift+Tab');
      onChoice = await page.evaluate(() => document.activeElement?.parentElement?.id === 'choices');
    }
    expect(onChoice).toBe(true);
    const chosen = await page.evaluate(() => document.activeElement!.textContent!);
    before = await repliesIn(page);
    await page.keyboard.press('Enter');
    await nextReply(page, before);
    expect(await page.locator('#log .msg.me').last().innerText()).toBe(chosen);
    // The buttons it was on are gone; the focus went on to the text box, not lost.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('text');
    await step(page, 'keyboard-01-after-choice');
    expect(await axeSerious(page)).toEqual([]);
    await context.close();
  });

  it('a voice note, attached or recorded in the page, plays in the chat and in the agent\'s console', async () => {
    const { context, page, errors } = await openChat({ lang: 'ar', width: 360, height: 740 });
    await page.waitForSelector('#choices button');
    // An audio file: the assistant says it reads text and offers to pass it to staff.
    let before = await repliesIn(page);
    await page.setInputFiles('#file', { name: 'voice.wav', mimeType: 'audio/wav', buffer: toneWav(1.5, 440) });
    expect(await nextReply(page, before)).toContain('أقرأ الرسائل المكتوبة فقط');
    const mine = page.locator('#log .msg.me audio').last();
    expect(await mine.evaluate((el: HTMLAudioElement) => new Promise<number>((resolve, reject) => {
      if (el.readyState >= 1) resolve(el.duration);
      el.addEventListener('loadedmetadata', () => resolve(el.duration), { once: true });
      el.addEventListener('error', () => reject(new Error('cannot play')), { once: true });
    }))).toBeCloseTo(1.5, 1);
    await step(page, 'audio-01-offer');
    await tap(page, '/agent');
    await step(page, 'audio-02-queued');

    // Recorded with the microphone (the browser's test device), sent when the citizen stops.
    await page.click('#record');
    await page.waitForSelector('#record[aria-pressed="true"]', { timeout: 10_000 });
    await page.waitForFunction(() => Number(document.getElementById('record')!.dataset.recorded ?? 0) >= 3, undefined, { timeout: 10_000 });
    await page.click('#record');
    await page.waitForFunction(() => document.querySelectorAll('#log .msg.me audio').length === 2);
    await step(page, 'audio-03-recorded');

    const password = await server.addStaff('webvoice', 'agent');
    const client = new StaffClient(server.url);
    await client.signIn('webvoice', password);
    // The queue names web chats by a pseudonym, not their id: this is the only web chat handed to staff here.
    const handoff = await until(async () => (await client.json<{ waiting: Array<{ id: string; channel: string }> }>('GET', '/console/api/queue')).body.waiting.find((w) => w.channel === 'web'), 10_000);
    await until(async () => ((await client.json<{ media: unknown[] }>('GET', `/console/api/conversations/${handoff.id}/media`)).body.media.length === 2), 10_000);

    const desk = await browser.newContext({ locale: 'ar', viewport: { width: 1280, height: 860 } });
    const consolePage = await desk.newPage();
    await consolePage.goto(`${server.url}/console/`);
    await consolePage.fill('input[name=username]', 'webvoice');
    await consolePage.fill('input[name=password]', password);
    await consolePage.click('#signin button[type=submit]');
    await consolePage.waitForSelector('#queue-waiting');
    await consolePage.goto(`${server.url}/console/#/conversation/${handoff.id}`);
    const players = consolePage.locator(`#transcript li.media-audio audio[src*="${handoff.id}"]`);
    await until(async () => (await players.count()) === 2, 10_000);
    const durations = await players.evaluateAll((els) => Promise.all((els as HTMLAudioElement[]).map(async (el) => {
      el.muted = true;
      await el.play();
      return { playing: !el.paused, duration: el.duration };
    })));
    expect(durations.every((d) => d.playing)).toBe(true);
    expect(durations[0].duration).toBeCloseTo(1.5, 1);
    await shot(consolePage, 'audio-04-console');
    await desk.close();
    expect(errors).toEqual([]);
    await context.close();
  });
});
