import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertActivity, monthOfActivity, type Activity } from '../../scripts/seed-reports.js';
import { rebuildCounters } from '../../src/db/rebuild-counters.js';
import { dayStart, nextDay } from '../../src/domain/report-period.js';
import { shippedContent } from '../helpers/assistant.js';
import { MongoTranscriptStore } from '../../src/db/transcripts.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { expectedFigures } from './expected.js';

// The dashboard in a real browser, in Arabic (right to left) and English, over a seeded month: the charts are
// drawn, the figures on the page are the ones counted here from the seeded records, and the CSV links work.

const SHOTS = path.resolve(import.meta.dirname, '../../screenshots');
const { content } = shippedContent();
const TZ = content.municipality.timezone;
const FROM = '2025-03-01', TO = '2025-03-31';

let server: TestServer;
let browser: Browser;
let password: string;
let activity: Activity;
const pageErrors: string[] = [];

beforeAll(async () => {
  server = await startTestServer({ dbName: 'dashboard_browser' });
  activity = monthOfActivity(content, { from: FROM, to: TO, conversations: 500, complaints: 300, applications: 100, seed: 3, tag: 'B' });
  await insertActivity(server.db.connection, activity);
  await rebuildCounters(server.db.connection, TZ);
  password = await server.addStaff('noura', 'supervisor');
  const lines = new MongoTranscriptStore(server.db.connection);
  for (const [i, text] of ['كيف بجدد رخصة السواقة', 'كيف بجدد رخصة السواقه؟', 'وين محطة الباص'].entries()) {
    await lines.append([{ conversation: `web:miss-${i}`, from: 'citizen', text, at: new Date(Date.now() - 60_000 * (i + 1)), intent: 'service-info', confidence: 0.1 }]);
  }
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  fs.mkdirSync(SHOTS, { recursive: true });
});
afterAll(async () => { await browser?.close(); await server?.close(); });

async function signedIn(lang: 'ar' | 'en'): Promise<Page> {
  const context = await browser.newContext({ locale: lang, viewport: { width: 1360, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  page.on('pageerror', (e) => { pageErrors.push(e.message); });
  await page.addInitScript((l) => localStorage.setItem('nafidha.console.lang', l), lang);
  await page.goto(`${server.url}/console/`);
  await page.fill('input[name=username]', 'noura');
  await page.fill('input[name=password]', password);
  await page.click('#signin button[type=submit]');
  await page.waitForSelector('#queue-waiting');
  return page;
}

/** Whether a canvas has anything drawn on it (a blank one is all transparent). */
const drawn = (page: Page, id: string) => page.$eval(`#chart-${id}`, (c) => {
  const canvas = c as HTMLCanvasElement;
  const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted++;
  return painted;
});

describe('the dashboard in the browser', () => {
  it('draws the figures in Arabic, right to left, with the seeded numbers', async () => {
    const page = await signedIn('ar');
    await page.click('#nav-dashboard');
    await page.waitForSelector('#dash-filters');
    await page.fill('input[name=from]', FROM);
    await page.fill('input[name=to]', TO);
    await page.click('#dash-filters button[type=submit]');
    await page.waitForSelector(`[data-dashboard-ready="${FROM}..${TO}"]`);
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    expect(await page.textContent('#figure-conversations h2')).toBe('المحادثات حسب القناة');

    for (const id of ['conversations', 'complaints-by-category', 'complaint-sla', 'application-sla', 'applications-by-service', 'handoff-reasons', 'csat-by-channel', 'csat-by-department', 'csat-by-agent',
      'complaint-backlog-by-day', 'questions-by-service', 'csat-by-day']) {
      expect(await drawn(page, id), id).toBeGreaterThan(1000);
    }
    const e = expectedFigures(activity, { from: FROM, to: TO, start: dayStart(FROM, TZ), end: dayStart(nextDay(TO), TZ) }, new Date(), content);
    const tile = (metric: string) => page.getAttribute(`.tile[data-metric="${metric}"]`, 'data-value');
    expect(await tile('complaints_filed')).toBe('300');
    expect(await tile('conversations')).toBe(String(e.conversations));
    expect(await tile('conversations_with_handoff')).toBe(String(e.withHandoff));
    expect(await tile('complaints_reopened')).toBe(String(e.reopened));
    // The table under the complaints chart: one row per department and category, with the counts made here.
    const cells = await page.$$eval('#table-complaints-by-category tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.dataset.value)));
    expect(new Map(cells.map(([d, c, n]) => [`${d}|${c}`, Number(n)])).size).toBe(e.byCategory.size);
    const total = cells.reduce((s, r) => s + Number(r[2]), 0);
    expect(total).toBe(300);
    const agents = await page.$$eval('#table-csat-by-agent tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.dataset.value)));
    expect(new Map(agents.map(([staff, n]) => [staff, Number(n)]))).toEqual(new Map([...e.csat.staff].map(([k, v]) => [k, v.n])));
    // The overdue backlog at the end of each day, the questions per service and the ratings per day, as counted here.
    const backlog = await page.$$eval('#table-complaint-backlog-by-day tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.dataset.value)));
    expect(new Map(backlog.filter(([, , n]) => n !== '0').map(([day, dept, n]) => [`${day}|${dept}`, Number(n)]))).toEqual(
      new Map([...e.backlogByDay].map(([k, n]) => [k.replace(/\|(.*)$/, (_m, d: string) => `|${content.departments.find((x) => x.id === d)!.name.ar}`), n])));
    const questions = await page.$$eval('#table-questions-by-service tbody tr', (rows) => rows.map((r) => Number(r.querySelectorAll('td')[2]!.dataset.value)));
    expect(questions.reduce((a, b) => a + b, 0)).toBe([...e.questions.values()].reduce((a, b) => a + b, 0));
    const ratings = await page.$$eval('#table-csat-by-day tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.dataset.value)));
    expect(new Map(ratings.map(([day, n]) => [day, Number(n)]))).toEqual(new Map([...e.csat.day].map(([k, v]) => [k, v.n])));
    // Citizens' comments: every one of the period is listed, a confidential complaint's too (a supervisor reads it).
    const comments = (activity.comments ?? []).filter((c) => c.day >= FROM && c.day <= TO);
    expect(comments.some((c) => c.confidential)).toBe(true);
    expect(await page.locator('#table-csat-comments tbody tr').count()).toBe(Math.min(200, comments.length));
    expect(await page.textContent('#figure-csat-comments')).toContain('تأخر الإصلاح كثيراً');
    // In Arabic the legend reads right to left and the first day is on the right.
    const rtl = await page.evaluate(() => {
      const chart = (window as unknown as { Chart: { getChart(id: string): { options: { plugins: { legend: { rtl: boolean } }; scales: { x: { reverse: boolean } } } } } }).Chart.getChart('chart-conversations');
      return [chart.options.plugins.legend.rtl, chart.options.scales.x.reverse];
    });
    expect(rtl).toEqual([true, true]);
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-ar.png'), fullPage: true });

    // The CSV link downloads the same figure, Arabic intact behind a byte order mark.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv-complaints-by-category')]);
    const csv = fs.readFileSync((await download.path())!);
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.toString('utf8')).toContain(content.departments.find((d) => d.id === 'sanitation')!.name.ar);
    await page.context().close();
  });

  it('reads in English, left to right, with the same figures', async () => {
    const page = await signedIn('en');
    await page.goto(`${server.url}/console/#/dashboard?from=${FROM}&to=${TO}&every=week`);
    await page.waitForSelector(`[data-dashboard-ready="${FROM}..${TO}"]`);
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('ltr');
    expect(await page.textContent('#figure-complaint-sla h2')).toBe('Complaints finished on time, by department');
    expect(await drawn(page, 'conversations')).toBeGreaterThan(1000);
    // Each week is written out in English and carries its ISO day for machines and the tooltip.
    const weeks = await page.$$eval('#table-conversations tbody tr td[data-col=week] time', (ts) => [...new Set(ts.map((t) => `${t.getAttribute('datetime')} ${t.textContent}`))]);
    expect(weeks).toEqual(['2025-02-24 24 February 2025', '2025-03-03 3 March 2025', '2025-03-10 10 March 2025', '2025-03-17 17 March 2025', '2025-03-24 24 March 2025', '2025-03-31 31 March 2025']);
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-en.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });

  it('lists what the assistant did not understand, and a label is saved with one click', async () => {
    const page = await signedIn('ar');
    await page.click('#nav-misunderstood');
    const row = page.locator('#misunderstood tbody tr').first();
    await row.waitFor();
    expect(await row.locator('td.count').textContent()).toBe('2');
    expect(await row.textContent()).toContain('كيف بجدد رخصة السواقة');
    expect(await row.textContent()).toMatch(/web:[0-9a-f]{16}/);
    expect(await row.textContent()).not.toContain('miss-');
    await row.locator('select[name=intent]').selectOption('out-of-scope');
    await row.locator('button').click();
    await row.getByText('صُنّف ✓').waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'misunderstood-ar.png'), fullPage: true });
    const labelled = await page.evaluate(() => fetch('/console/api/reports/misunderstood/labelled.jsonl').then((r) => r.text()));
    expect(labelled.trim().split('\n').map((l) => JSON.parse(l))).toEqual([{ text: 'كيف بجدد رخصة السواقة', intent: 'out-of-scope', service: null, category: null }]);
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });
});
