import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Frame, Page } from 'playwright-core';
import { expect } from 'vitest';

// Looking at the citizen's web chat in a browser: what a person would check on a phone after every step.

export const SHOTS = path.resolve(import.meta.dirname, '../../test-results/screenshots');
const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export type ChatView = Page | Frame;

/** The number of the assistant's and staff's bubbles now. */
export const repliesIn = (view: ChatView) => view.locator('#log .msg.bot, #log .msg.staff').count();

/** Two animation frames: what was just shown (quick replies, a loaded thumbnail) is laid out and scrolled to. */
export const settled = (view: ChatView) => view.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

/** Waits until more than `before` replies are shown and the page settled (quick replies drawn, pinned). */
export async function nextReply(view: ChatView, before: number): Promise<string> {
  await view.waitForFunction((n) => document.querySelectorAll('#log .msg.bot, #log .msg.staff').length > n, before, { timeout: 15_000 });
  await settled(view);
  return view.locator('#log .msg.bot, #log .msg.staff').last().innerText();
}

/** What a phone user would see wrong: the newest message cut off, the page wider than the screen, the bar cut off. */
export async function layoutProblems(view: ChatView): Promise<string[]> {
  return view.evaluate(() => {
    const problems: string[] = [];
    const w = window.innerWidth, h = window.innerHeight;
    if (document.documentElement.scrollWidth > w) problems.push(`page is ${document.documentElement.scrollWidth}px wide in a ${w}px viewport`);
    const log = document.getElementById('log')!.getBoundingClientRect();
    const last = document.querySelector('#log .msg:last-child');
    if (last) {
      const r = last.getBoundingClientRect();
      const top = Math.max(log.top, 0), bottom = Math.min(log.bottom, h);
      if (r.height <= bottom - top) {
        if (r.top < top - 1 || r.bottom > bottom + 1) problems.push(`newest message at ${Math.round(r.top)}..${Math.round(r.bottom)} outside the visible log ${Math.round(top)}..${Math.round(bottom)}`);
      } else if (Math.abs(r.top - top) > 12) problems.push(`newest message taller than the log and its start is not shown (${Math.round(r.top)} vs ${Math.round(top)})`);
    }
    for (const id of ['text', 'send', 'attach', 'record', 'locate']) {
      const r = document.getElementById(id)!.getBoundingClientRect();
      if (r.left < 0 || r.right > w || r.top < 0 || r.bottom > h || r.width < 24) problems.push(`#${id} not fully on screen: ${Math.round(r.left)},${Math.round(r.top)} ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
    // The text box's hint is read whole, not cut off ("Type your mess").
    const input = document.getElementById('text') as HTMLInputElement;
    if (!input.value && input.placeholder) {
      const cs = getComputedStyle(input);
      const ctx = document.createElement('canvas').getContext('2d')!;
      ctx.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
      const room = input.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
      const need = ctx.measureText(input.placeholder).width;
      if (need > room + 1) problems.push(`the text box's hint "${input.placeholder}" needs ${Math.round(need)}px and has ${Math.round(room)}px`);
    }
    const choices = document.getElementById('choices')!.getBoundingClientRect();
    if (choices.right > w + 1 || choices.left < -1) problems.push('quick replies wider than the screen');
    return problems;
  });
}

/** axe-core's critical and serious findings on the page (or frame) as it is now. */
export async function axeSerious(view: ChatView): Promise<string[]> {
  await view.evaluate(axeSource);
  const found = await view.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, o: unknown): Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }> }> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious').map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  return found;
}

export async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

/** Checks the layout and keeps a screenshot: every step of a flow goes through here. */
export async function step(page: Page, name: string, view: ChatView = page): Promise<void> {
  await settled(view);
  await shot(page, name);
  expect(await layoutProblems(view), name).toEqual([]);
}

/** Clicks the quick reply with this payload. */
export async function tap(view: ChatView, payload: string): Promise<string> {
  const before = await repliesIn(view);
  await view.locator(`#choices button[data-payload="${payload}"]`).click();
  return nextReply(view, before);
}

/** Types a message and presses Enter. */
export async function say(view: ChatView, text: string): Promise<string> {
  const before = await repliesIn(view);
  await view.locator('#text').fill(text);
  await view.locator('#text').press('Enter');
  return nextReply(view, before);
}

/** The payloads of the quick replies shown now. */
export const payloads = (view: ChatView) => view.locator('#choices button').evaluateAll((bs) => bs.map((b) => (b as HTMLElement).dataset.payload ?? ''));

export const TRACKING_CODE = /[CASB]-[0-9A-Z]{5}-[0-9A-Z]{5}/;
