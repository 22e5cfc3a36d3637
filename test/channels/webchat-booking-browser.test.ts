import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shippedContent } from '../helpers/assistant.js';
import { StaffClient, startTestServer, type TestServer } from '../helpers/server.js';

// A citizen books, moves and cancels an appointment in the real web chat page in Chromium; when the branch closes
// for the day the page is told and the citizen presses one of the times offered instead.

const SHOTS = path.resolve(import.meta.dirname, '../../screenshots');
let server: TestServer;
let browser: Browser;
const pageErrors: string[] = [];
const CODE = /B-[0-9A-Z]{5}-[0-9A-Z]{5}/;

beforeAll(async () => {
  server = await startTestServer({ dbName: 'webchat_booking_browser' });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  fs.mkdirSync(SHOTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** The page's bot messages, in order. */
const botTexts = (page: Page) => page.locator('#log .msg.bot').allTextContents();

/** Does something, then waits for a new bot message and returns it. */
async function answer(page: Page, act: () => Promise<void>, choices = true): Promise<string> {
  const before = (await botTexts(page)).length;
  await act();
  await page.waitForFunction((n) => document.querySelectorAll('#log .msg.bot').length > n, before, { timeout: 15_000 });
  // Choices come with the last message of a reply; wait until the page settled on it.
  if (choices) await page.waitForFunction(() => document.querySelectorAll('#choices button').length > 0, undefined, { timeout: 15_000 });
  return (await botTexts(page)).slice(before).join('\n');
}
const press = (page: Page, label: string | RegExp, choices = true) => answer(page, () => page.locator('#choices button', { hasText: label }).first().click(), choices);
const type = (page: Page, text: string, choices = true) => answer(page, async () => { await page.fill('#text', text); await page.press('#text', 'Enter'); }, choices);
const choiceLabels = (page: Page) => page.locator('#choices button').allTextContents();

describe('booking in the web chat, in a real browser', () => {
  it('books from the menu button to the receipt, lists, moves, is re-offered times when the branch closes, and cancels', async () => {
    const { content } = shippedContent();
    const service = content.services.find((s) => s.id === 'health-certificate')!;
    const branch = content.municipality.branches.find((b) => b.id === 'east-centre')!;
    const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 420, height: 860 } });
    const page = await context.newPage();
    page.on('pageerror', (e) => { pageErrors.push(e.message); });
    await page.goto(`${server.url}/`);
    await page.waitForSelector('#choices button');

    // The page is in English: the menu button's answer is too.
    await press(page, 'Book an appointment');
    expect(await choiceLabels(page)).toContain(service.name.en);
    await press(page, service.name.en);
    await press(page, branch.name.en);
    // The first day offered, then its first time.
    await answer(page, () => page.locator('#choices button').first().click());
    const time = (await choiceLabels(page))[0];
    expect(time).toMatch(/^\d{2}:\d{2}$/);
    expect(await press(page, time, false)).toMatch(/name/i);
    expect(await type(page, 'Nour Saleh', false)).toMatch(/phone/i);
    const summary = await type(page, '0915550000');
    expect(summary).toContain(time);
    const receipt = await press(page, 'Book it');
    const code = CODE.exec(receipt)?.[0];
    expect(code).toBeTruthy();
    const stored = (await server.nafidha.bookings.find(code!))!;
    expect(stored).toMatchObject({ service: 'health-certificate', branch: 'east-centre', time, status: 'booked', citizen: { name: 'Nour Saleh', chat: { channel: 'web' } } });
    expect(receipt).toContain(new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' }).format(new Date(`${stored.day}T12:00:00Z`)));
    expect(receipt).toContain(branch.name.en);
    expect(receipt).toContain(server.nafidha.bookings.window('east-centre', 'health-certificate')!.en);
    for (const d of service.documents) expect(receipt).toContain(d.name.en);
    await page.screenshot({ path: path.join(SHOTS, 'webchat-booking-receipt.png'), fullPage: true });

    // "my appointments": change it to another day.
    expect(await type(page, 'my appointments')).toContain(code);
    await press(page, `Change ${code}`);
    const days = await choiceLabels(page);
    await answer(page, () => page.locator('#choices button').nth(days.length - 1).click());
    const newTime = (await choiceLabels(page))[0];
    // The summary of the move names the citizen and the number already given.
    const moving = await press(page, newTime);
    expect(moving).toContain('Nour Saleh');
    expect(moving).toContain('0915550000');
    expect(await press(page, 'Book it')).toContain(code);
    const moved = (await server.nafidha.bookings.find(code!))!;
    expect(moved.day).not.toBe(stored.day);
    expect(moved.time).toBe(newTime);

    // The branch closes that day: a clerk may not close a whole branch, a supervisor may.
    const clerk = new StaffClient(server.url);
    expect((await clerk.signIn('salma', await server.addStaff('salma', 'agent'))).status).toBe(200);
    const closing = { branch: 'east-centre', fromDay: moved.day, reason: 'Water cut in the building', requestId: 'water-cut' };
    expect((await clerk.json('POST', '/console/api/bookings/blocks', closing)).status).toBe(403);
    expect((await clerk.json('POST', '/console/api/bookings/blocks', { ...closing, fromDay: 'tomorrow' })).status).toBe(400);
    const supervisor = new StaffClient(server.url);
    expect((await supervisor.signIn('huda', await server.addStaff('huda', 'supervisor'))).status).toBe(200);
    const told = answer(page, async () => {
      const res = await supervisor.json<{ block: { id: string; displaced: string[] } }>('POST', '/console/api/bookings/blocks', closing);
      expect(res.status).toBe(200);
      expect(res.body.block.displaced).toEqual([code]);
    });
    const notice = await told;
    expect(notice).toContain(code);
    expect(notice).toContain('Water cut in the building');
    const offered = await choiceLabels(page);
    expect(offered).toEqual(expect.arrayContaining(['Other times', 'Cancel it']));
    expect((await server.nafidha.bookings.freeSlots('east-centre', 'health-certificate', moved.day))).toEqual([]);
    const day = await server.nafidha.bookings.day('east-centre', moved.day);
    expect(day.find((b) => b.code === code)!.displaced).toBeTruthy();
    await page.screenshot({ path: path.join(SHOTS, 'webchat-booking-reoffer.png'), fullPage: true });
    // The audit names the supervisor.
    const { body: audit } = await supervisor.json<{ entries: Array<{ who: string; what: string }> }>('GET', '/console/api/audit');
    expect(audit.entries.filter((e) => e.what === 'booking-slots-blocked').map((e) => e.who)).toEqual(['huda']);

    // Pressing the first offered time moves the booking there at once.
    expect(await answer(page, () => page.locator('#choices button').first().click())).toContain(code);
    const rebooked = (await server.nafidha.bookings.find(code!))!;
    expect(rebooked.displaced).toBeUndefined();
    expect(rebooked.day).not.toBe(moved.day);

    // And cancelled.
    await type(page, 'my appointments');
    expect(await press(page, `Cancel ${code}`)).toContain(code);
    await press(page, 'Yes, cancel it');
    expect((await server.nafidha.bookings.find(code!))!.status).toBe('cancelled');
    expect(pageErrors).toEqual([]);
    await context.close();
    // A long story in a real browser: on a shared, loaded machine it needs more than the default minute.
  }, 240_000);
});
