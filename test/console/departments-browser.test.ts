import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import QRCode from 'qrcode';
import { MongoMediaStore } from '../../src/db/media.js';
import { storedComplaint } from '../helpers/complaints.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

// A department's agent in a real browser: "my work" shows only their department, paged by the server.

const SHOTS = path.resolve(import.meta.dirname, '../../screenshots');
let server: TestServer;
let browser: Browser;
let password: string;
let adminPassword: string;
let withPhoto: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  server = await startTestServer({ dbName: 'departments_browser', signInLimit: 100 });
  password = await server.addStaff('rami', 'agent', 'water-sewage');
  adminPassword = await server.addStaff('boss', 'admin');
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  fs.mkdirSync(SHOTS, { recursive: true });
  for (const [i, category] of ['sewage', 'sewage', 'roads'].entries()) {
    const filed = await server.nafidha.complaints.fileComplaint({ category, description: `مشكلة رقم ${i}`, privacy: 'anonymous', consentToContact: false, lang: 'ar', via: 'web', idempotencyKey: `b-${i}` });
    if (!filed.ok) throw new Error('not filed');
  }
  const day = 24 * 60 * 60_000;
  await server.nafidha.stores.complaints.insert(storedComplaint({ createdAt: new Date(Date.now() - 9 * day), deadline: new Date(Date.now() - day) }));
  await server.console.escalate();
  const photo = await new MongoMediaStore(server.db.connection).save('telegram:7701', 'image/png', await QRCode.toBuffer('complaint photo', { width: 240 }));
  const filed = await server.nafidha.complaints.fileComplaint({
    category: 'sewage', description: 'طفح مجاري قرب السوق', privacy: 'named', name: 'هدى', from: { channel: 'telegram', user: '7701' },
    consentToContact: false, lang: 'ar', messageId: 'ph-1', photos: [photo], location: { lat: 32.8872, lon: 13.1913 },
  });
  if (!filed.ok) throw new Error('not filed');
  withPhoto = filed.receipt.code;
});
afterAll(async () => { await browser?.close(); await server?.close(); });

async function signIn(locale: string, username = 'rami', secret?: string): Promise<Page> {
  const context = await browser.newContext({ locale, viewport: { width: 1280, height: 800 } });
  const p = await context.newPage();
  p.on('pageerror', (e) => { pageErrors.push(e.message); });
  await p.goto(`${server.url}/console/`);
  if (locale === 'en') await p.click('#lang');
  await p.fill('input[name=username]', username);
  await p.fill('input[name=password]', secret ?? password);
  await p.click('#signin button[type=submit]');
  await p.waitForSelector('#queue-waiting');
  return p;
}

describe("a department member's work in the console", () => {
  for (const locale of ['ar', 'en']) {
    it(`shows only the department's complaints (${locale})`, async () => {
      const p = await signIn(locale);
      await p.goto(`${server.url}/console/#/complaints`);
      await p.waitForSelector('#complaint-filters');
      await p.waitForSelector('table.list tbody tr');
      expect(await p.locator('h1').first().textContent()).toBe(locale === 'ar' ? 'عمل قسمي' : "My department's work");
      expect(await p.locator('select[name=department] option').allTextContents()).toHaveLength(1);
      expect(await p.locator('table.list tbody tr').count()).toBe(4);
      expect(await p.locator('table.list tbody tr.overdue').count()).toBe(1);
      expect(await p.locator('#page-info').textContent()).toContain('4');
      expect(await p.locator('#whoami').textContent()).toContain('water-sewage');
      await p.screenshot({ path: path.join(SHOTS, `departments-my-work-${locale}.png`), fullPage: true });
      await p.context().close();
    });
  }
  for (const locale of ['ar', 'en']) {
    it(`shows the overdue alert on a badge and in a list (${locale})`, async () => {
      const p = await signIn(locale);
      await p.waitForSelector('#alert-count:not([hidden])');
      expect(await p.locator('#alert-count').textContent()).toBe('1');
      await p.click('#nav-alerts');
      await p.waitForSelector('#alerts tbody tr');
      expect(await p.locator('#alerts tbody tr').count()).toBe(1);
      await p.screenshot({ path: path.join(SHOTS, `departments-overdue-alert-${locale}.png`), fullPage: true });
      await p.click('#alerts tbody tr a');
      await p.waitForSelector('.history');
      expect(await p.locator('.history').textContent()).toContain('escalated');
      await p.context().close();
    });
  }
  for (const locale of ['ar', 'en']) {
    it(`shows a complaint's photo and its location on a local map (${locale})`, async () => {
      const p = await signIn(locale);
      const requests: string[] = [];
      p.on('request', (r) => requests.push(r.url()));
      await p.goto(`${server.url}/console/#/complaints/${withPhoto}`);
      await p.waitForSelector('#photos img.thumb');
      await p.waitForFunction(() => { const img = document.querySelector<HTMLImageElement>('#photos img.thumb'); return !!img && img.complete && img.naturalWidth > 0; });
      await p.waitForSelector('#map[data-ready="1"] path.leaflet-interactive');
      expect(await p.locator('#coords').textContent()).toBe('32.88720, 13.19130');
      expect(await p.locator('#open-map').getAttribute('href')).toContain('mlat=32.8872&mlon=13.1913');
      // The bounds rectangle and the pin are drawn; nothing was asked of another site.
      expect(await p.locator('#map path').count()).toBe(2);
      expect(requests.filter((u) => !u.startsWith(server.url))).toEqual([]);
      await p.screenshot({ path: path.join(SHOTS, `departments-photo-map-${locale}.png`), fullPage: true });
      await p.context().close();
    });
  }
  it('shows the applications registry and prints a refusal letter with its reasons (ar)', async () => {
    const made = await server.nafidha.applications.createApplication({ service: 'building-permit', name: 'خالد الورفلي', phone: '0912223333', lang: 'ar', by: 'amal' });
    if (!made.ok) throw new Error('not registered');
    const code = made.application.code;
    const changed = await server.nafidha.applications.changeStatus(code, { status: 'rejected', by: 'amal', reason: 'المخطط المقدّم لا يطابق الارتدادات المطلوبة في المنطقة' });
    expect(changed.ok).toBe(true);
    // The citizen office: a building permit is not the water department's (it sees only its services' applications).
    const p = await signIn('ar', 'boss', adminPassword);
    await p.goto(`${server.url}/console/#/applications`);
    await p.waitForSelector('#registry table.list tbody tr');
    expect(await p.locator('#registry tbody tr').first().textContent()).toContain(code);
    await p.screenshot({ path: path.join(SHOTS, 'applications-registry-ar.png'), fullPage: true });
    await p.locator('#registry tbody tr a').first().click();
    await p.waitForSelector('#decision-link');
    const [letter] = await Promise.all([p.context().waitForEvent('page'), p.click('#decision-link')]);
    await letter.waitForSelector('#reasons');
    expect(await letter.locator('html').getAttribute('dir')).toBe('rtl');
    expect(await letter.locator('#reasons').textContent()).toContain('الارتدادات المطلوبة');
    await letter.screenshot({ path: path.join(SHOTS, 'decision-letter-ar.png'), fullPage: true });
    await p.context().close();
  });
  for (const locale of ['ar', 'en']) {
    it(`lets an admin create an account and shows its one-time password once (${locale})`, async () => {
      const p = await signIn(locale, 'boss', adminPassword);
      await p.click('#nav-staff');
      await p.waitForSelector('#staff-create');
      const name = `clerk-${locale}`;
      await p.fill('#staff-create input[name=username]', name);
      await p.selectOption('#staff-create select[name=department]', 'sanitation');
      await p.click('#staff-create button[type=submit]');
      await p.waitForSelector('#one-time-password');
      const oneTime = (await p.locator('#one-time-password').textContent())!;
      expect(oneTime).toHaveLength(16);
      expect(await p.locator(`#staff-list tr[data-username="${name}"] select[name=departments]`).inputValue()).toBe('sanitation');
      await p.screenshot({ path: path.join(SHOTS, `staff-admin-create-${locale}.png`), fullPage: true });
      expect((await server.console.staff.find(name))?.department).toBe('sanitation');
      // Shown once: a fresh visit to the page does not show it again.
      await p.reload();
      await p.waitForSelector('#staff-list');
      expect(await p.locator('#one-time-password').count()).toBe(0);
      expect(await p.content()).not.toContain(oneTime);
      await p.context().close();
    });
  }
  it('had no page errors', () => { expect(pageErrors).toEqual([]); });
});
