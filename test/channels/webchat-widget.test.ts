import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { axeSerious, layoutProblems, say, shot, step, tap, TRACKING_CODE } from '../helpers/webchat-page.js';

// The municipality's own website, on another origin, embeds the chat with one <script> tag: a bubble opens the
// same web chat in a frame, where a citizen asks about a service and files a complaint.

let server: TestServer;
let site: http.Server;
let siteUrl = '';
let browser: Browser;
const sitePolicy = (chat: string) => `default-src 'self'; script-src 'self' ${chat}; frame-src ${chat}; style-src 'self'`;

beforeAll(async () => {
  // The website is served first, so the chat server can be told its origin.
  site = http.createServer((req, res) => {
    const lang = req.url?.includes('lang=en') ? 'en' : 'ar';
    // The host page has a strict policy of its own: the widget must work under it.
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': sitePolicy(server.url) });
    res.end(`<!doctype html><html lang="${lang}" dir="${lang === 'ar' ? 'rtl' : 'ltr'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Municipality website</title></head>
<body><main><h1>${lang === 'ar' ? 'بلدية الواحة' : 'Al-Waha municipality'}</h1><p>${lang === 'ar' ? 'مرحبًا بكم في موقع البلدية.' : 'Welcome to the municipality website.'}</p></main>
<script src="${server.url}/chat/widget.js" data-lang="${lang}" data-position="${lang === 'ar' ? 'left' : 'right'}" data-color="#7a1f5c"></script></body></html>`);
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  server = await startTestServer({ dbName: 'webchat_widget', embedOrigins: [siteUrl] });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await new Promise<void>((r) => (site ? site.close(() => r()) : r()));
});

describe('the embeddable widget', () => {
  for (const run of [{ lang: 'ar', width: 360, height: 740 }, { lang: 'en', width: 1366, height: 768 }] as const) {
    it(`${run.lang} ${run.width}px: a page on another origin opens the chat, asks about a service and files a complaint`, async () => {
      const context = await browser.newContext({ locale: run.lang, viewport: { width: run.width, height: run.height } });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      await page.goto(`${siteUrl}/?lang=${run.lang}`);
      const bubble = page.locator('#nafidha-widget-button');
      await bubble.waitFor();
      // Placed where the page asked, in its colour.
      const box = (await bubble.boundingBox())!;
      if (run.lang === 'ar') expect(box.x).toBeLessThan(run.width / 2); else expect(box.x).toBeGreaterThan(run.width / 2);
      expect(await bubble.evaluate((b) => getComputedStyle(b).backgroundColor)).toBe('rgb(122, 31, 92)');
      expect(await bubble.getAttribute('aria-expanded')).toBe('false');
      await shot(page, `widget-${run.lang}-01-bubble`);
      expect(await axeSerious(page)).toEqual([]);

      await bubble.click();
      expect(await bubble.getAttribute('aria-expanded')).toBe('true');
      const frame = page.frameLocator('#nafidha-widget-panel iframe');
      await frame.locator('#choices button').first().waitFor({ timeout: 15_000 });
      const chat = page.frames().find((f) => f.url().startsWith(server.url))!;
      expect(chat).toBeDefined();
      expect(await chat.evaluate(() => document.documentElement.lang)).toBe(run.lang);
      await step(page, `widget-${run.lang}-02-open`, chat);

      // A service question.
      const answer = await say(chat, run.lang === 'ar' ? 'كم رسوم رخصة البناء' : 'how much is a building permit');
      expect(answer).toMatch(run.lang === 'ar' ? /الرسوم|رسوم/ : /fee/i);
      await step(page, `widget-${run.lang}-03-service`, chat);

      // A complaint, to its receipt.
      await say(chat, run.lang === 'ar' ? 'في ماسورة مكسورة والمي عم تتسرب بالشارع من امبارح' : 'there is garbage piling up on our street for a week');
      await tap(chat, '/yes');
      await say(chat, run.lang === 'ar' ? 'شارع النصر قرب الصيدلية' : 'Al-Nasr street, next to the pharmacy');
      let receipt = '';
      for (let i = 0; i < 10 && !TRACKING_CODE.test(receipt); i++) {
        const offered = await chat.locator('#choices button').evaluateAll((bs) => bs.map((b) => (b as HTMLElement).dataset.payload ?? ''));
        const next = ['/confirm', '/named', '/yes', '/next', '/skip'].find((p) => offered.includes(p));
        const last = await chat.locator('#log .msg.bot').last().innerText();
        receipt = next ? await tap(chat, next) : await say(chat, /هاتف|phone|رقم/i.test(last) ? '0912345678' : run.lang === 'ar' ? 'سلمى علي' : 'Salma Ali');
      }
      expect(receipt).toMatch(TRACKING_CODE);
      await step(page, `widget-${run.lang}-04-receipt`, chat);
      expect(await layoutProblems(chat)).toEqual([]);
      expect(await axeSerious(chat)).toEqual([]);

      await bubble.click();
      expect(await page.locator('#nafidha-widget-panel').isHidden()).toBe(true);
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  it('serves the script to any site, frames the chat only for the listed origins, and never the console', async () => {
    const widget = await fetch(`${server.url}/chat/widget.js`);
    expect(widget.status).toBe(200);
    expect(widget.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    const chat = await fetch(`${server.url}/`);
    const policy = chat.headers.get('content-security-policy') ?? '';
    expect(policy).toContain(`frame-ancestors 'self' ${siteUrl}`);
    expect(chat.headers.get('x-frame-options')).toBeNull();
    const desk = await fetch(`${server.url}/console/`);
    expect(desk.headers.get('content-security-policy')).toContain("frame-ancestors 'self'");
    expect(desk.headers.get('content-security-policy')).not.toContain(siteUrl);
    expect(desk.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    // The history and session routes answer no other origin's scripts (no CORS headers).
    const history = await fetch(`${server.url}/chat/session`, { method: 'POST', headers: { origin: 'https://evil.example' } });
    expect(history.headers.get('access-control-allow-origin')).toBeNull();
  });
});
