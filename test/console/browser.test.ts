import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WhatsAppWebStatus } from '../../src/channels/whatsapp-web/index.js';
import { MongoTemplateDeliveries } from '../../src/db/template-deliveries.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

// The whole story in a real browser: a citizen in the web chat, an agent in the console, the assistant again after.

const SHOTS = path.resolve(import.meta.dirname, '../../screenshots');
const HOSTILE = '<img src=x onerror=alert(1)><script>alert(2)</script>';
const REPLY = 'أهلاً، معك أمل من البلدية. للاعتراض على قرار المحكمة تحتاج إلى محامٍ، ويمكنني إرشادك إلى مكتب خدمة المواطن.';

let server: TestServer;
let browser: Browser;
let password: string;
const dialogs: string[] = [];
const pageErrors: string[] = [];
const whatsappWeb: WhatsAppWebStatus = { state: 'disconnected', since: new Date() };

beforeAll(async () => {
  server = await startTestServer({ dbName: 'browser', channels: { overview: () => ({ telegram: { on: true, state: 'on', username: 'BaladiyaBot', mode: 'polling' }, whatsappWeb, whatsappCloud: { on: true, template: 'nafidha_update' } }) } });
  password = await server.addStaff('amal', 'agent');
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  fs.mkdirSync(SHOTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function page(locale: string): Promise<Page> {
  const context = await browser.newContext({ locale, viewport: { width: 1280, height: 860 } });
  const p = await context.newPage();
  p.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  p.on('pageerror', (e) => { pageErrors.push(e.message); });
  return p;
}

async function say(citizen: Page, text: string): Promise<void> {
  await citizen.fill('#text', text);
  await citizen.click('#send');
}

describe('a citizen reaches a person from the web chat and comes back to the assistant', () => {
  it('runs the whole story', async () => {
    const agent = await page('ar');
    await agent.goto(`${server.url}/console/`);
    await agent.fill('input[name=username]', 'amal');
    await agent.fill('input[name=password]', password);
    await agent.click('#signin button[type=submit]');
    await agent.waitForSelector('#queue-waiting');
    await agent.waitForSelector('#live.on');
    expect(await agent.locator('#queue-waiting .queue-item').count()).toBe(0);

    const citizen = await page('ar');
    await citizen.goto(`${server.url}/`);
    await citizen.waitForSelector('.msg.bot');
    await say(citizen, 'بدي اعترض على قرار المحكمة');
    // The position is isolated from the Arabic around it (issue 15).
    await citizen.getByText(/ترتيبك في الانتظار: \u2066?1/).waitFor();

    // The conversation appears in the console without a reload.
    const item = agent.locator('#queue-waiting .queue-item');
    await item.first().waitFor({ timeout: 5000 });
    expect(await item.count()).toBe(1);
    await expect(item.first().textContent()).resolves.toContain('سؤال قانوني');

    // Untrusted text typed while waiting: the assistant only says it reached staff (issue 15), nothing else.
    const before = await citizen.locator('.msg.bot').count();
    await say(citizen, HOSTILE);
    await citizen.getByText('وصلت رسالتك، وسيرد عليك موظف').waitFor();
    expect(await citizen.locator('.msg.bot').count()).toBe(before + 1);

    await agent.screenshot({ path: path.join(SHOTS, 'console-queue-ar.png'), fullPage: true });
    await agent.click('#lang');
    await agent.waitForSelector('html[dir=ltr]');
    await agent.getByText('Conversations waiting for staff').waitFor();
    await agent.locator('#queue-waiting .queue-item').first().waitFor();
    await agent.screenshot({ path: path.join(SHOTS, 'console-queue-en.png'), fullPage: true });

    await item.first().locator('a').click();
    await agent.waitForSelector('#transcript');
    const citizenLines = agent.locator('#transcript .line.from-citizen .text');
    await citizenLines.filter({ hasText: 'alert(2)' }).waitFor();
    const texts = await citizenLines.allTextContents();
    expect(texts).toEqual(expect.arrayContaining(['بدي اعترض على قرار المحكمة', HOSTILE]));
    expect(await agent.locator('#transcript img, #transcript script').count()).toBe(0);

    await agent.click('#take');
    await agent.waitForSelector('#reply-text');
    await citizen.getByText('انضم موظف من البلدية').waitFor();
    await agent.fill('#reply-text', REPLY);
    await agent.click('#send');
    await agent.locator('#transcript .line.from-staff').filter({ hasText: 'معك أمل' }).waitFor();
    await citizen.getByText(REPLY, { exact: false }).waitFor({ timeout: 3000 });
    // A person's words look different from the assistant's in the citizen's chat.
    await citizen.locator('.msg.staff').filter({ hasText: 'معك أمل' }).waitFor({ timeout: 3000 });

    // The citizen answers; the line reaches the open console live.
    await say(citizen, 'شكراً، القرار صدر يوم الأحد');
    await agent.locator('#transcript .line.from-citizen').filter({ hasText: 'صدر يوم الأحد' }).waitFor({ timeout: 3000 });

    await agent.screenshot({ path: path.join(SHOTS, 'console-conversation-en.png'), fullPage: true });
    await agent.click('#lang');
    await agent.waitForSelector('html[dir=rtl]');
    await agent.locator('#hand-back', { hasText: 'إعادة للمساعد' }).waitFor();
    await agent.locator('#transcript .line.from-staff').first().waitFor();
    await agent.screenshot({ path: path.join(SHOTS, 'console-conversation-ar.png'), fullPage: true });

    await agent.click('#hand-back');
    await citizen.getByText('عاد المساعد الرقمي').waitFor({ timeout: 3000 });
    const botAnswers = await citizen.locator('.msg.bot').count();
    await say(citizen, 'شو الاوراق المطلوبة لرخصة البناء');
    await citizen.locator('.msg.bot').nth(botAnswers).waitFor({ timeout: 5000 });
    await expect(citizen.locator('.msg.bot').nth(botAnswers).textContent()).resolves.toMatch(/الأوراق المطلوبة|رخصة/);
    await citizen.screenshot({ path: path.join(SHOTS, 'webchat-after-handback.png'), fullPage: true });

    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 120_000);
});

describe('the counter and complaint pages', () => {
  it('a supervisor files for a caller, reveals the confidential reporter, and prints an application receipt', async () => {
    const supervisorPassword = await server.addStaff('salma', 'supervisor');
    const staff = await page('en');
    await staff.goto(`${server.url}/console/`);
    await staff.fill('input[name=username]', 'salma');
    await staff.fill('input[name=password]', supervisorPassword);
    await staff.click('#signin button[type=submit]');
    await staff.waitForSelector('#queue-waiting');
    if (await staff.getAttribute('html', 'dir') === 'rtl') await staff.click('#lang');

    expect(await staff.locator('#nav-channels').isHidden()).toBe(true); // admins only
    await staff.click('a[href="#/file"]');
    await staff.selectOption('#file-form select[name=category]', 'street-lighting');
    await staff.fill('#file-form textarea[name=description]', 'Street light out for a week <b>near</b> the school');
    await staff.fill('#file-form input[name=location]', 'Al-Nakheel Road');
    await staff.check('#file-form input[value=confidential]');
    await staff.fill('#file-form input[name=name]', 'Mona');
    await staff.fill('#file-form input[name=phone]', '0913334444');
    await staff.click('#file-form button[type=submit]');
    const code = (await staff.locator('#filed-code').textContent())!;
    expect(code).toMatch(/^C-/);

    await staff.click('a[href="#/complaints"]');
    await staff.locator(`a[href="#/complaints/${code}"]`).click();
    await staff.getByText('hidden (confidential complaint)').waitFor();
    await staff.click('#reveal');
    await staff.locator('#reporter', { hasText: 'Mona' }).waitFor();
    await staff.selectOption('#status-form select[name=status]', 'in-progress');
    // The save reloads the complaint; its last request is held until staff have moved on to another view.
    let release!: () => void;
    const held = new Promise<void>((resolve) => { release = resolve; });
    await staff.route('**/console/api/staff', async (r) => { await held; await r.continue(); });
    await staff.click('#status-form button[type=submit]');
    await staff.locator('#toast').filter({ hasText: 'Saved' }).waitFor();
    await staff.screenshot({ path: path.join(SHOTS, 'console-complaint-en.png'), fullPage: true });

    await staff.click('a[href="#/applications"]');
    await staff.locator('#registry-info').waitFor();
    const reloaded = staff.waitForEvent('requestfinished', (q) => q.url().endsWith('/console/api/staff'));
    release();
    await reloaded;
    await staff.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    await staff.unroute('**/console/api/staff');
    // The late reload of the complaint does not draw over the applications view.
    expect(await staff.locator('#status-form').count()).toBe(0);
    await staff.selectOption('#register-form select[name=service]', 'residence-certificate');
    await staff.fill('#register-form input[name=name]', 'Huda Ali');
    await staff.fill('#register-form input[name=phone]', '0925556666');
    await staff.click('#register-form button[type=submit]');
    const link = staff.locator('#receipt-link');
    await link.waitFor();
    const [receipt] = await Promise.all([staff.context().waitForEvent('page'), link.click()]);
    await receipt.waitForLoadState();
    await expect(receipt.locator('#code').textContent()).resolves.toMatch(/^A-/);
    await receipt.screenshot({ path: path.join(SHOTS, 'receipt-ar.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  }, 120_000);
});

describe('the Channels view', () => {
  it('shows an admin the QR code to link the WhatsApp phone, that it logged out, and then that it is linked', async () => {
    Object.assign(whatsappWeb, { state: 'qr', qr: await QRCode.toDataURL('2@browser-test-link-code', { margin: 1, width: 264 }), loggedOutAt: new Date(Date.now() - 5 * 60_000), since: new Date() });
    await new MongoTemplateDeliveries(server.db.connection).record({ user: '218920000001', template: 'nafidha_update', messageIds: ['wamid.1'] });
    const adminPassword = await server.addStaff('nour', 'admin');
    const admin = await page('en');
    await admin.goto(`${server.url}/console/`);
    await admin.fill('input[name=username]', 'nour');
    await admin.fill('input[name=password]', adminPassword);
    await admin.click('#signin button[type=submit]');
    await admin.waitForSelector('#queue-waiting');
    if (await admin.getAttribute('html', 'dir') === 'rtl') await admin.click('#lang');

    await admin.click('#nav-channels');
    const qr = admin.locator('img#whatsapp-qr');
    await qr.waitFor();
    expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true); // the CSP lets data: images through
    await admin.locator('#whatsapp-logged-out', { hasText: 'logged this device out' }).waitFor();
    await admin.locator('#template-deliveries td', { hasText: '+218920000001' }).waitFor();
    await admin.locator('#channel-telegram', { hasText: '@BaladiyaBot' }).waitFor();
    await admin.screenshot({ path: path.join(SHOTS, 'console-channels-en.png'), fullPage: true });

    // The view follows the session without a reload.
    Object.assign(whatsappWeb, { state: 'ready', qr: undefined, loggedOutAt: undefined, phone: '218910000000', since: new Date() });
    await admin.click('#lang');
    await admin.waitForSelector('html[dir=rtl]');
    await admin.locator('#whatsapp-web-state', { hasText: 'مرتبط ويعمل' }).waitFor({ timeout: 8000 });
    expect(await admin.locator('#whatsapp-qr, #whatsapp-logged-out').count()).toBe(0);
    await admin.screenshot({ path: path.join(SHOTS, 'console-channels-ar.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
