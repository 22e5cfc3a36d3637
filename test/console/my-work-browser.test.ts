import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDay, zonedInstant } from '../../src/domain/working-days.js';
import { storedComplaint } from '../helpers/complaints.js';
import { startTestServer, until, type TestServer } from '../helpers/server.js';

// "My work" in a real browser: a clerk of two departments sees today's digest, takes a complaint waiting in one
// of them and finds it under "assigned to me"; assigns another to a colleague from the complaint; a supervisor of
// the department sees the overdue alert as new on the badge until marking it seen; an admin gives a clerk a second
// department.

const SHOTS = path.resolve(import.meta.dirname, '../../screenshots');
const TZ = 'Africa/Tripoli';
const DAY = 24 * 60 * 60_000;
let server: TestServer;
let browser: Browser;
const secrets = new Map<string, string>();
const pageErrors: string[] = [];
const codes: Record<string, string> = {};

beforeAll(async () => {
  // The console's clock: 06:00 in the municipality while the complaints are put in, then 09:00, after the 07:00 digest.
  const today = localDay(new Date(), TZ);
  let clock = zonedInstant(today, '06:00', TZ);
  server = await startTestServer({ dbName: 'my_work_browser', signInLimit: 100, now: () => clock, escalateMs: 60 * 60_000 });
  secrets.set('huda', await server.addStaff('huda', 'agent', 'water-sewage'));
  await server.console.staff.setDepartments('huda', ['water-sewage', 'sanitation']);
  secrets.set('nour', await server.addStaff('nour', 'agent', 'sanitation'));
  secrets.set('walid', await server.addStaff('walid', 'supervisor', 'sanitation'));
  secrets.set('boss', await server.addStaff('boss', 'admin'));
  const now = zonedInstant(today, '09:00', TZ).getTime();
  const put = async (name: string, o: Parameters<typeof storedComplaint>[0]) => { const c = storedComplaint(o); await server.nafidha.stores.complaints.insert(c); codes[name] = c.code; };
  await put('sewer', { createdAt: new Date(now - DAY), deadline: new Date(now + 3 * DAY) });
  await put('bins', { createdAt: new Date(now - DAY), deadline: new Date(now + 2 * DAY), department: 'sanitation', category: 'waste' });
  await put('late', { createdAt: new Date(now - 9 * DAY), deadline: new Date(now - DAY), department: 'sanitation', category: 'waste' });
  await put('road', { createdAt: new Date(now - DAY), deadline: new Date(now + DAY), department: 'public-works', category: 'roads' });
  clock = new Date(now);
  await server.console.escalate();
  await server.console.digest();
  fs.mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
});
afterAll(async () => { await browser?.close(); await server?.close(); });

async function signIn(locale: string, username: string): Promise<Page> {
  const context = await browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
  const p = await context.newPage();
  p.on('pageerror', (e) => { pageErrors.push(e.message); });
  await p.goto(`${server.url}/console/`);
  if (locale === 'en') await p.click('#lang');
  await p.fill('input[name=username]', username);
  await p.fill('input[name=password]', secrets.get(username)!);
  await p.click('#signin button[type=submit]');
  await p.waitForSelector('#queue-waiting');
  return p;
}

const rowCodes = (p: Page, box: string) => p.locator(`${box} tbody tr`).evaluateAll((rows) => rows.map((r) => r.getAttribute('data-code')));

describe('my work in the console', () => {
  it('a clerk of two departments takes a waiting complaint and finds it assigned to them (ar)', async () => {
    const p = await signIn('ar', 'huda');
    await p.click('#nav-mywork');
    await p.waitForSelector('#digest-table');
    expect(await p.locator('h1').first().textContent()).toBe('عملي');
    // Today's digest of both of her departments: sanitation has one overdue.
    expect(await p.locator('#digest-table tbody tr').count()).toBe(2);
    expect(await p.locator('#digest-table tr[data-department=sanitation] td').nth(1).textContent()).toBe('1');
    expect(await rowCodes(p, '#my-waiting')).toEqual([codes.late, codes.bins, codes.sewer]);
    expect(await p.locator('#my-assigned p.muted').count()).toBe(1);
    await p.screenshot({ path: path.join(SHOTS, 'my-work-before-ar.png'), fullPage: true });
    await p.click(`#my-waiting tr[data-code="${codes.bins}"] button.take`);
    await p.waitForSelector(`#my-assigned tr[data-code="${codes.bins}"]`);
    expect(await rowCodes(p, '#my-waiting')).toEqual([codes.late, codes.sewer]);
    expect((await server.nafidha.complaints.find(codes.bins!))?.assignee).toBe('huda');
    await p.screenshot({ path: path.join(SHOTS, 'my-work-taken-ar.png'), fullPage: true });
    await p.context().close();
  });

  it('assigns a complaint to a colleague from the complaint view and lists it with due soon (en)', async () => {
    const p = await signIn('en', 'huda');
    await p.goto(`${server.url}/console/#/complaints/${codes.late}`);
    await p.waitForSelector('#assignee-form');
    // Only colleagues who work on sanitation (and the office) are offered.
    const offered = await p.locator('#assignee-form select[name=assignee] option').evaluateAll((o) => o.map((x) => (x as HTMLOptionElement).value));
    expect(offered).toEqual(expect.arrayContaining(['', 'huda', 'nour', 'walid', 'boss']));
    await p.selectOption('#assignee-form select[name=assignee]', 'nour');
    await p.click('#assignee-form button[type=submit]');
    await p.waitForFunction(() => document.querySelector('table.details')?.textContent?.includes('nour'));
    expect((await server.nafidha.complaints.find(codes.late!))?.assignee).toBe('nour');
    await p.screenshot({ path: path.join(SHOTS, 'complaint-assigned-en.png'), fullPage: true });
    await p.goto(`${server.url}/console/#/complaints`);
    await p.waitForSelector('#complaint-filters');
    await p.check('#complaint-filters input[name=dueSoon]');
    await p.click('#complaint-filters button[type=submit]');
    await p.waitForFunction(() => document.querySelector('#page-info')?.textContent?.includes('0 complaints'));
    await p.context().close();
  });

  it("shows the department's supervisor the overdue alert as new until he marks it seen (en)", async () => {
    const p = await signIn('en', 'walid');
    await p.waitForSelector('#alert-count:not([hidden])');
    expect(await p.locator('#alert-count').textContent()).toBe('1');
    await p.click('#nav-alerts');
    await p.waitForSelector('#alerts tbody tr');
    expect(await p.locator('#alerts tbody tr').count()).toBe(1);
    expect(await p.locator('#alerts tbody tr .badge').first().textContent()).toBe('new');
    await p.screenshot({ path: path.join(SHOTS, 'alerts-unseen-en.png'), fullPage: true });
    await p.click('#alerts-seen');
    await p.waitForSelector('#alert-count[hidden]', { state: 'attached' });
    await p.context().close();
  });

  it('lets an admin give a clerk a second department (ar)', async () => {
    const p = await signIn('ar', 'boss');
    await p.click('#nav-staff');
    await p.waitForSelector('#staff-list');
    const row = '#staff-list tr[data-username="nour"]';
    await p.selectOption(`${row} select[name=departments]`, ['sanitation', 'agriculture']);
    await p.click(`${row} button.save`);
    const saved = await until(async () => { const a = await server.console.staff.find('nour'); return a?.departments?.length === 2 ? a : undefined; });
    expect(saved.departments).toEqual(['sanitation', 'agriculture']);
    await p.screenshot({ path: path.join(SHOTS, 'staff-two-departments-ar.png'), fullPage: true });
    await p.context().close();
  });

  it('had no page errors', () => { expect(pageErrors).toEqual([]); });
});
