import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingSender, startTestServer, until, type TestServer } from '../helpers/server.js';

// A French chat at the clerk's desk: the console stays in its own languages (ar/en), but shows the French
// transcript as written, the French labels the citizen tapped, says the chat is in French, and the ready answers
// go in French.

const SHOTS = path.resolve(import.meta.dirname, '../../test-results/screenshots');
const TELEGRAM = '700300400';
let server: TestServer;
let browser: Browser;
let password = '';

beforeAll(async () => {
  server = await startTestServer({ dbName: 'console_french', senders: [new RecordingSender('telegram')] });
  password = await server.addStaff('yara', 'agent');
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  fs.mkdirSync(SHOTS, { recursive: true });
}, 60_000);
afterAll(async () => { await browser?.close(); await server?.close(); });

describe('a French chat in the console', () => {
  it('shows the French transcript and tapped labels in the English console, and the canned answer in French', async () => {
    const say = (text: string) => server.nafidha.kernel.handle({ channel: 'telegram', user: TELEGRAM, text });
    await say("Bonjour, je voudrais un extrait d'état civil");
    await say('/aspect fees');
    const queued = await say("Mon voisin a construit sur mon terrain, est-ce légal ? Je veux parler à quelqu'un");
    expect(queued.every((r) => r.lang === 'fr')).toBe(true);

    const context = await browser.newContext({ locale: 'en', viewport: { width: 1366, height: 768 } });
    const p = await context.newPage();
    const errors: string[] = [];
    p.on('pageerror', (e) => { errors.push(e.message); });
    await p.goto(`${server.url}/console/`);
    await p.fill('input[name=username]', 'yara');
    await p.fill('input[name=password]', password);
    await p.click('#signin button[type=submit]');
    await p.waitForSelector('#queue-waiting');
    if ((await p.getAttribute('html', 'lang')) !== 'en') { await p.click('#lang'); await p.waitForSelector('html[lang=en]'); }

    const row = p.locator('#queue-waiting .queue-item').filter({ hasText: TELEGRAM });
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('French');
    await row.locator('a.open').click();
    await p.waitForSelector('#transcript');
    const transcript = p.locator('#transcript');
    await until(async () => (await transcript.textContent())?.includes("extrait d'état civil") ?? false);
    const text = (await transcript.textContent()) ?? '';
    expect(text).toContain("Bonjour, je voudrais un extrait d'état civil");
    expect(text).toContain('💰 Frais :');
    // The button the citizen tapped reads as its French label, not the payload.
    expect(await transcript.locator('.line.from-citizen .text').allTextContents()).toContain('Frais');
    expect(text).not.toContain('/aspect');
    // The console's own words stay English.
    expect(await p.locator('#take').textContent()).toMatch(/take/i);

    await p.click('#take');
    await p.waitForSelector('#reply-text');
    await p.selectOption('#canned-pick', 'one-moment');
    await expect(p.inputValue('#reply-text')).resolves.toBe("Un instant s'il vous plaît, je vérifie et je reviens vers vous.");
    await p.screenshot({ path: path.join(SHOTS, 'console-french-chat-en.png'), fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});
