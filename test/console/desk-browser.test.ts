import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Types } from 'mongoose';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatKey } from '../../src/shared/chat.js';
import { RecordingSender, startTestServer, until, type TestServer } from '../helpers/server.js';

// The clerk's desk in a real browser: the queue, a conversation, filing for callers, the live feed after a restart,
// and axe-core on every console page in Arabic and English.

const SHOTS = path.resolve(import.meta.dirname, '../../test-results/screenshots');
const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let owner: TestServer;   // owns the database; the console talks to `server`, which is restarted in one test
let server: TestServer;
let browser: Browser;
const passwords: Record<string, string> = {};
const pageErrors: string[] = [];
const TELEGRAM = '700100200';
const WHATSAPP = '218912345678';

/** The Telegram and WhatsApp profile names of the two citizens. */
const PROFILE: Record<string, string> = { telegram: 'هادي سالم', whatsapp: 'Rania Fathi' };
async function citizen(channel: 'telegram' | 'whatsapp', user: string, text: string) {
  return owner.nafidha.kernel.handle({ channel, user, text, displayName: PROFILE[channel] });
}

beforeAll(async () => {
  owner = await startTestServer({ dbName: 'desk', senders: [new RecordingSender('telegram'), new RecordingSender('whatsapp')] });
  server = await startTestServer({ join: owner, senders: [new RecordingSender('telegram'), new RecordingSender('whatsapp')] });
  for (const [name, role] of [['amal', 'agent'], ['salma', 'supervisor'], ['nour', 'admin']] as const) passwords[name] = await owner.addStaff(name, role);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  fs.mkdirSync(SHOTS, { recursive: true });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await owner?.close();
});

async function signIn(username: string, lang: 'ar' | 'en'): Promise<Page> {
  // bypassCSP: only so axe-core's source can be injected; the console itself runs under its real policy otherwise.
  const context = await browser.newContext({ locale: lang, viewport: { width: 1366, height: 768 }, bypassCSP: true });
  const p = await context.newPage();
  p.on('pageerror', (e) => { pageErrors.push(e.message); });
  await p.goto(`${server.url}/console/`);
  await p.fill('input[name=username]', username);
  await p.fill('input[name=password]', passwords[username]!);
  await p.click('#signin button[type=submit]');
  await p.waitForSelector('#queue-waiting');
  if ((await p.getAttribute('html', 'lang')) !== lang) {
    await p.click('#lang');
    await p.waitForSelector(`html[lang=${lang}]`);
  }
  return p;
}

/** axe-core's critical and serious findings on the page as it is now. */
async function axe(p: Page, state: string): Promise<string[]> {
  if (!(await p.evaluate(() => 'axe' in window))) await p.addScriptTag({ content: AXE });
  const found = await p.evaluate(async () => {
    const w = window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[]; failureSummary: string }> }> }> } };
    const r = await w.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious')
      .map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => `${n.target.join(' ')} (${n.failureSummary.replace(/\s+/g, ' ').slice(0, 160)})`).join(' | ')}`);
  });
  return found.map((f) => `${state}: ${f}`);
}

async function shot(p: Page, name: string): Promise<void> {
  await p.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** Presses Tab until the focused element matches, as a keyboard-only clerk does. */
async function tabTo(p: Page, selector: string, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    await p.keyboard.press('Tab');
    if (await p.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

describe('the queue and a conversation at the desk', () => {
  it('shows who waits and what they wrote, labels instead of payloads, Arabic system lines, and sends a reply once', async () => {
    // A Telegram citizen taps through the menu, then asks something only staff can answer.
    await citizen('telegram', TELEGRAM, 'مرحبا');
    await citizen('telegram', TELEGRAM, '/services');
    await citizen('telegram', TELEGRAM, '/service business-license');
    await citizen('telegram', TELEGRAM, 'بدي اعترض على قرار المحكمة');
    // A WhatsApp citizen who filed a confidential complaint in the chat, then asked for staff.
    const since = new Date();
    await citizen('whatsapp', WHATSAPP, 'بدي اعترض على قرار المحكمة');
    await owner.nafidha.transcripts.markConfidential(ChatKey.of('whatsapp', WHATSAPP), new Date(since.getTime() - 1000));

    const agent = await signIn('amal', 'ar');
    const rows = agent.locator('#queue-waiting .queue-item');
    await until(async () => (await rows.count()) === 2);
    const telegramRow = rows.filter({ hasText: TELEGRAM });
    await telegramRow.waitFor();
    await expect(telegramRow.locator('.last').textContent()).resolves.toBe('بدي اعترض على قرار المحكمة');
    await expect(telegramRow.locator('.waited').textContent()).resolves.toMatch(/ينتظر منذ/);
    // Who waits, by their Telegram profile name, then the chat id.
    await expect(telegramRow.locator('.who .name').textContent()).resolves.toBe(PROFILE.telegram);
    // The agent never learns who filed the confidential complaint: no number on the row, nor anywhere in the queue.
    const hiddenRow = rows.filter({ hasText: 'الهوية مخفية' });
    await hiddenRow.waitFor();
    expect(await agent.locator('#queue-waiting').textContent()).not.toContain(WHATSAPP);
    expect(await agent.locator('#queue-waiting').textContent()).not.toContain(PROFILE.whatsapp);
    const queue = await agent.evaluate(() => fetch('/console/api/queue').then((r) => r.json())) as { waiting: Array<Record<string, unknown>> };
    const hiddenEntry = queue.waiting.find((w) => w.channel === 'whatsapp')!;
    expect(hiddenEntry.contact).toBeUndefined();
    expect(hiddenEntry.name).toBeUndefined();
    expect(hiddenEntry.last).toBeUndefined();
    expect(JSON.stringify(queue)).not.toContain('assistantGuess');
    await shot(agent, 'desk-queue-ar');
    const findings = [...await axe(agent, 'queue ar')];

    // Keyboard only: reach the Telegram row's "open" link, open it, take the conversation.
    await agent.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const telegramOpen = await telegramRow.locator('a.open').getAttribute('href');
    await tabTo(agent, `a.open[href="${telegramOpen}"]`);
    await agent.keyboard.press('Enter');
    await agent.waitForSelector('#transcript');
    await tabTo(agent, '#take');
    await agent.keyboard.press('Enter');
    await agent.waitForSelector('#reply-text');

    // What the citizen tapped, not the payloads; no classifier debug for an agent (not even in the API's answer).
    const transcript = agent.locator('#transcript');
    await transcript.locator('.line.from-citizen.tapped').nth(1).waitFor();
    const citizenTexts = await transcript.locator('.line.from-citizen .text').allTextContents();
    expect(citizenTexts.some((x) => x.includes('رخصة'))).toBe(true);
    await agent.locator('#transcript .line.tapped').first().scrollIntoViewIfNeeded();
    await shot(agent, 'desk-conversation-tapped-ar');
    expect(citizenTexts.filter((x) => x.trim().startsWith('/'))).toEqual([]);
    expect(await transcript.textContent()).not.toMatch(/\/service|\/services/);
    expect(await agent.locator('#conv-details, .guess').count()).toBe(0);
    const id = decodeURIComponent(agent.url().split('/').pop()!);
    const convJson = await agent.evaluate((i) => fetch(`/console/api/conversations/${encodeURIComponent(i)}`).then((r) => r.text()), id);
    expect(convJson).not.toContain('assistantGuess');
    expect(convJson).not.toContain('legal-question (');
    // The system line of the take is in Arabic, names isolated.
    await transcript.locator('.line.from-system', { hasText: 'استلم amal المحادثة.' }).waitFor();
    expect(await transcript.textContent()).not.toContain('took the conversation');

    // A reply by keyboard: the box clears, and a double click sends one message.
    await agent.keyboard.type('أهلاً، معك أمل من البلدية.');
    await tabTo(agent, '#send');
    await agent.keyboard.press('Enter');
    await transcript.locator('.line.from-staff', { hasText: 'معك أمل' }).waitFor();
    await until(async () => (await agent.inputValue('#reply-text')) === '');
    await agent.fill('#reply-text', 'سنتصل بك اليوم.');
    await agent.dblclick('#send');
    await transcript.locator('.line.from-staff', { hasText: 'سنتصل بك اليوم' }).waitFor();
    await expect(agent.inputValue('#reply-text')).resolves.toBe('');
    const staffLines = await owner.nafidha.transcripts.list(ChatKey.of('telegram', TELEGRAM));
    expect(staffLines.filter((l) => l.from === 'staff' && l.text === 'سنتصل بك اليوم.')).toHaveLength(1);

    // A private note: its input is labelled, its header keeps the name isolated.
    await agent.getByLabel('ملاحظة خاصة جديدة').fill('اتصل بالمحامي');
    await agent.click('#note-form button[type=submit]');
    await agent.locator('.notes li', { hasText: 'اتصل بالمحامي' }).waitFor();
    expect(await agent.locator('.notes li .meta bdi', { hasText: 'amal' }).count()).toBe(1);
    expect(await agent.locator('.notes li .meta time[title]').count()).toBe(1);
    await shot(agent, 'desk-conversation-ar');
    findings.push(...await axe(agent, 'conversation ar'));

    await agent.click('#lang');
    await agent.waitForSelector('html[lang=en]');
    await transcript.locator('.line.from-system', { hasText: 'amal took the conversation.' }).waitFor();
    await shot(agent, 'desk-conversation-en');
    findings.push(...await axe(agent, 'conversation en'));

    // Hand back by keyboard.
    await tabTo(agent, '#hand-back');
    await agent.keyboard.press('Enter');
    await transcript.locator('.line.from-system', { hasText: 'handed the conversation back' }).waitFor();
    await agent.click('a[href="#/queue"]');
    await agent.waitForSelector('#queue-waiting');
    await until(async () => (await rows.count()) === 1);
    await expect(agent.locator('#whoami').textContent()).resolves.toBe('amal · Agent');
    await shot(agent, 'desk-queue-en');
    findings.push(...await axe(agent, 'queue en'));
    expect(findings).toEqual([]);

    // The citizen office may open the details, and sees who is waiting (a tel: link for the WhatsApp number).
    const supervisor = await signIn('salma', 'en');
    const waRow = supervisor.locator('#queue-waiting .queue-item', { hasText: WHATSAPP });
    await waRow.waitFor();
    await expect(waRow.locator('a[href^="tel:"]').getAttribute('href')).resolves.toBe(`tel:+${WHATSAPP}`);
    await waRow.locator('a.open').click();
    await supervisor.waitForSelector('#conv-details');
    expect(await supervisor.locator('#conv-guess').count()).toBe(0);
    await supervisor.click('#conv-details');
    await supervisor.locator('#conv-guess', { hasText: 'legal-question' }).waitFor();
    await shot(supervisor, 'desk-conversation-supervisor-en');
    expect(await axe(supervisor, 'conversation supervisor en')).toEqual([]);
    await agent.context().close();
    await supervisor.context().close();
    expect(pageErrors).toEqual([]);
  }, 180_000);
});

describe('filing for callers at the counter', () => {
  it('files for two callers in a row, clears the first code, and records the clerk as the author', async () => {
    const clerk = await signIn('amal', 'ar');
    await clerk.click('a[href="#/file"]');
    const form = clerk.locator('#file-form');
    await form.locator('textarea[name=description]').fill('عمود إنارة مطفأ أمام المدرسة');
    await form.locator('input[value=confidential]').check();
    await form.locator('input[name=name]').fill('منى');
    await form.locator('input[name=phone]').fill('0913334444');
    await form.locator('button[type=submit]').click();
    const first = (await clerk.locator('#filed-code').textContent())!;
    expect(first).toMatch(/^C-/);
    await shot(clerk, 'desk-file-filed-ar');
    const findings = await axe(clerk, 'file ar');

    // The next caller: the form is back to its defaults (named), the last code goes as soon as the clerk types.
    expect(await form.locator('input[value=named]').isChecked()).toBe(true);
    expect(await form.locator('input[name=name]').inputValue()).toBe('');
    await form.locator('textarea[name=description]').fill('حفرة كبيرة في الطريق');
    expect(await clerk.locator('#filed-code').count()).toBe(0);
    await form.locator('input[name=name]').fill('سالم');
    await form.locator('button[type=submit]').click();
    await until(async () => { const c = await clerk.locator('#filed-code').textContent().catch(() => null); return !!c && c !== first; });
    const second = (await clerk.locator('#filed-code').textContent())!;
    expect(second).toMatch(/^C-/);
    expect(await clerk.locator('#toast').isHidden()).toBe(true);

    const stored = await owner.nafidha.complaints.find(second);
    expect(stored?.history[0]?.by).toBe('amal');

    // A refusal reads in the console's language, never as a raw code.
    await clerk.evaluate(() => { for (const r of document.querySelectorAll<HTMLInputElement>('#file-form input[name=privacy]')) r.checked = false; });
    await form.locator('textarea[name=description]').fill('وصف');
    await form.locator('button[type=submit]').click();
    await clerk.locator('#toast', { hasText: 'بعض الحقول ناقصة' }).waitFor();
    expect(await clerk.locator('#toast').textContent()).not.toMatch(/invalid|privacy/);
    expect(findings).toEqual([]);
    await clerk.context().close();
  }, 90_000);
});

describe('the live feed after a restart', () => {
  it('fetches afresh when the server comes back, and asks to sign in again when the session is gone', async () => {
    await citizen('telegram', '700100300', 'بدي اعترض على قرار المحكمة');
    const agent = await signIn('amal', 'en');
    const row = agent.locator('#queue-waiting .queue-item', { hasText: '700100300' });
    await row.waitFor();
    await agent.waitForSelector('#live.on');

    // The server goes away; meanwhile (long enough ago that no live event will tell) the conversation is closed.
    const port = Number(new URL(server.url).port);
    await server.close();
    await agent.waitForSelector('#live.off');
    const handoff = (await owner.console.handoffs.queue()).waiting.find((h) => h.user === '700100300')!;
    const longAgo = new Date(Date.now() - 10 * 60_000);
    await owner.db.connection.collection('handoffs').updateOne({ _id: new Types.ObjectId(handoff.id) }, { $set: { status: 'closed', openKey: `closed:${handoff.id}`, outcome: 'answered', closedAt: longAgo, updatedAt: longAgo } });
    server = await startTestServer({ join: owner, port });
    await agent.waitForSelector('#live.on', { timeout: 15_000 });
    await row.waitFor({ state: 'detached', timeout: 10_000 });
    await shot(agent, 'desk-after-restart-en');

    // The session ends (expired or removed): the console shows the sign-in form by itself.
    await owner.db.connection.collection('console_sessions').deleteMany({});
    await agent.waitForSelector('#signin', { timeout: 15_000 });
    await agent.fill('input[name=username]', 'amal');
    await agent.fill('input[name=password]', passwords.amal!);
    await agent.click('#signin button[type=submit]');
    await agent.waitForSelector('#queue-waiting');
    await agent.waitForSelector('#live.on');
    await agent.context().close();
  }, 90_000);
});

describe('accessibility of every console page', () => {
  it('axe-core finds nothing critical or serious on any page, in Arabic and in English', async () => {
    const filed = await owner.nafidha.complaints.fileComplaint({
      category: 'street-lighting', description: 'عمود إنارة مطفأ', privacy: 'named', lang: 'ar', name: 'منى', phone: '0913334444', via: 'web', consentToContact: false,
    });
    if (!filed.ok) throw new Error('could not file the complaint');
    const code = filed.receipt.code;
    const applied = await owner.nafidha.applications.createApplication({ service: 'residence-certificate', name: 'منى', phone: '0913334444', lang: 'ar', by: 'clerk:nour' });
    if (!applied.ok) throw new Error('could not register the application');
    // Pages that show a date: each shows at least one, as a <time> with the ISO moment in datetime and title.
    const DATED = new Set(['queue', 'complaints', 'complaint', 'applications', 'dashboard', 'staff']);
    const findings: string[] = [];
    for (const lang of ['ar', 'en'] as const) {
      // Sign-in first (signed out), then every page an admin can open.
      const context = await browser.newContext({ locale: lang, viewport: { width: 1366, height: 768 }, bypassCSP: true });
      const p = await context.newPage();
      p.on('pageerror', (e) => { pageErrors.push(e.message); });
      await p.goto(`${server.url}/console/`);
      await p.waitForSelector('#signin');
      if ((await p.getAttribute('html', 'lang')) !== lang) { await p.click('#lang'); await p.waitForSelector(`html[lang=${lang}]`); }
      findings.push(...await axe(p, `sign-in ${lang}`));
      await shot(p, `desk-signin-${lang}`);
      await context.close();

      const admin = await signIn('nour', lang);
      const pages: Array<[string, string, string]> = [
        ['queue', '#/queue', '#queue-waiting'],
        ['complaints', '#/complaints', 'table.list, .empty, p.muted'],
        ['complaint', `#/complaints/${code}`, '#status-form'],
        ['file', '#/file', '#file-form'],
        ['applications', '#/applications', '#register-form'],
        ['bookings', '#/bookings', 'form'],
        ['dashboard', '#/dashboard', '.figures, .tiles, .alert'],
        ['staff', '#/staff', 'table'],
        ['alerts', '#/alerts', 'h1'],
        ['canned', '#/canned', 'form'],
      ];
      for (const [name, hash, ready] of pages) {
        await admin.evaluate((x) => { location.hash = x; }, hash);
        await admin.locator(`#view ${ready.split(', ').join(', #view ')}`).first().waitFor();
        await admin.waitForLoadState('networkidle');
        if (DATED.has(name)) await admin.locator('#view time[datetime][title]').first().waitFor({ timeout: 5000 }).catch(() => undefined);
        const times = await admin.locator('#view time').evaluateAll((els) => els.map((e) => ({ datetime: e.getAttribute('datetime'), title: e.getAttribute('title'), text: e.textContent })));
        if (DATED.has(name)) expect({ page: name, lang, dated: times.length > 0 }).toEqual({ page: name, lang, dated: true });
        for (const x of times) {
          expect(x.datetime, `${name} ${lang}: ${x.text}`).toMatch(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?Z)?$/);
          expect(x.title).toBe(x.datetime);
        }
        if (name === 'complaint') {
          // The reporter's phone is a tel: link, isolated; the deadline a long date with the ISO moment in its title.
          await admin.locator('#reporter a[href="tel:0913334444"] bdi').waitFor();
          expect(await admin.locator('#view time[title]').count()).toBeGreaterThan(0);
        }
        findings.push(...await axe(admin, `${name} ${lang}`));
        await shot(admin, `desk-${name}-${lang}`);
      }
      await admin.context().close();
    }
    expect(findings).toEqual([]);
  }, 240_000);
});
