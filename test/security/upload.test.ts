import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PHOTO_LIMITS } from '../../src/domain/photos.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { webCitizen } from './attacker.js';

// An outsider using /chat/upload as free storage or to plant a web page among complaint photos.

let server: TestServer;

beforeAll(async () => { server = await startTestServer({ dbName: 'security_upload' }); });
afterAll(async () => { await server?.close(); });

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000200b1c8d2d10000000049454e44ae426082', 'hex');
const JPEG = Buffer.concat([Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex'), Buffer.alloc(64), Buffer.from('ffd9', 'hex')]);
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x1a, 0, 0, 0]), Buffer.from('WEBPVP8L'), Buffer.from('0d0000002f0000001007100011114888fe0700', 'hex')]);
const HTML = Buffer.from('<!doctype html><script>alert(document.cookie)</script>');

let address = 0;
/** Each test uploads from its own address (the server trusts X-Forwarded-For from its local proxy). */
const newAddress = () => `203.0.113.${++address}`;

function upload(user: string, type: string, body: Buffer, from: string) {
  return fetch(`${server.url}/chat/upload?user=${user}`, { method: 'POST', headers: { 'content-type': type, 'x-forwarded-for': from }, body: new Uint8Array(body) });
}

/** A web chat citizen who has started filing a complaint (the assistant asked them to confirm its category). */
async function filingCitizen() {
  const c = webCitizen(server.url);
  expect(await c.say('في حفرة كبيرة قدام مدرسة الامل بالشارع')).toContain('؟');
  return c;
}

const storedFor = (user: string) => server.db.connection.collection('media').find({ conversation: `web:${user}` }).toArray();

describe('the web chat photo upload', () => {
  it('accepts 0 non-image uploads, whatever they are labelled', async () => {
    const c = await filingCitizen();
    const from = newAddress();
    const forged: Array<[string, Buffer]> = [
      ['image/png', HTML], ['image/jpeg', HTML], ['image/webp', HTML], ['image/png', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')],
      ['image/png', Buffer.from('GIF89a\x01\x00\x01\x00')], ['image/png', JPEG], ['image/webp', PNG], ['image/jpeg', Buffer.from('RIFF\x00\x00\x00\x00WAVEfmt ')],
      ['text/html', HTML], ['image/gif', Buffer.from('GIF89a')], ['application/octet-stream', PNG], ['image/svg+xml', Buffer.from('<svg/>')],
    ];
    const statuses = [];
    for (const [type, body] of forged) statuses.push((await upload(c.user, type, body, from)).status);
    expect(statuses.filter((s) => s === 201), `non-image uploads accepted: ${statuses.filter((s) => s === 201).length}`).toHaveLength(0);
    // Each refused; past the chat's uploads per window the refusal is the rate limit's.
    expect(statuses.slice(0, PHOTO_LIMITS.uploadsPerChat)).toEqual(Array(PHOTO_LIMITS.uploadsPerChat).fill(415));
    expect(statuses.slice(PHOTO_LIMITS.uploadsPerChat).every((s) => s === 429)).toBe(true);
    expect(await storedFor(c.user)).toHaveLength(0);
  });

  it('accepts a real PNG, JPEG and WebP from a chat that is filing a complaint, and the photo joins the complaint', async () => {
    const c = await filingCitizen();
    const from = newAddress();
    const ids = [];
    for (const [type, body] of [['image/png', PNG], ['image/jpeg', JPEG], ['image/webp', WEBP]] as const) {
      const res = await upload(c.user, `${type}`, body, from);
      expect(res.status, type).toBe(201);
      ids.push(((await res.json()) as { mediaId: string }).mediaId);
    }
    expect((await storedFor(c.user)).map((m) => m.mimeType)).toEqual(['image/png', 'image/jpeg', 'image/webp']);
    await c.say('/yes');
    await c.say('Al-Nasr street, next to the pharmacy');
    expect(await c.say('', { attachments: [{ mediaId: ids[0], kind: 'image', mimeType: 'image/png' }] })).toMatch(/وصلت الصورة|Photo received/);
  });

  it('refuses a chat that is not filing a complaint', async () => {
    const from = newAddress();
    const idle = webCitizen(server.url);
    await idle.say('مرحبا');
    const stranger = `web-${randomBytes(12).toString('hex')}`;
    for (const user of [idle.user, stranger]) {
      const res = await upload(user, 'image/png', PNG, from);
      expect(res.status).toBe(409);
      expect(await res.json()).toMatchObject({ error: 'not-filing-a-complaint' });
      expect(await storedFor(user)).toHaveLength(0);
    }
  });

  it('throttles a burst from one chat and caps what one complaint stores', async () => {
    const c = await filingCitizen();
    const from = newAddress();
    // 20 photos of almost 5 MB at once: the attack that once grew the database by 134 MiB in 3 seconds.
    const big = Buffer.concat([PNG, randomBytes(5 * 1024 * 1024 - PNG.length - 1024)]);
    const statuses = await Promise.all(Array.from({ length: 20 }, () => upload(c.user, 'image/png', big, from).then((r) => r.status)));
    const stored = await storedFor(c.user);
    const bytes = stored.reduce((sum, m) => sum + (m.size as number), 0);
    expect(statuses.filter((s) => s === 201).length).toBeLessThanOrEqual(PHOTO_LIMITS.photosPerDraft);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(bytes, `bytes stored for one complaint: ${bytes}`).toBeLessThanOrEqual(PHOTO_LIMITS.bytesPerDraft);
  });

  it('stores at most the photos one complaint takes, then answers 413', async () => {
    const c = await filingCitizen();
    const from = newAddress();
    const statuses = [];
    for (let i = 0; i < PHOTO_LIMITS.photosPerDraft + 2; i++) statuses.push((await upload(c.user, 'image/png', PNG, from)).status);
    expect(statuses).toEqual([...Array(PHOTO_LIMITS.photosPerDraft).fill(201), 413, 413]);
    expect(await storedFor(c.user)).toHaveLength(PHOTO_LIMITS.photosPerDraft);
  });

  it('throttles one chat to its uploads per window, even when each is refused', async () => {
    const c = await filingCitizen();
    const from = newAddress();
    const statuses = [];
    for (let i = 0; i < PHOTO_LIMITS.uploadsPerChat + 5; i++) statuses.push((await upload(c.user, 'image/png', HTML, from)).status);
    expect(statuses.slice(0, PHOTO_LIMITS.uploadsPerChat).every((s) => s === 415)).toBe(true);
    expect(statuses.slice(PHOTO_LIMITS.uploadsPerChat)).toEqual(Array(5).fill(429));
  });

  it('throttles one address uploading for many chats', async () => {
    const from = newAddress();
    const citizens = await Promise.all(Array.from({ length: 8 }, () => filingCitizen()));
    const statuses = [];
    for (let i = 0; i < PHOTO_LIMITS.uploadsPerAddress + 5; i++) statuses.push((await upload(citizens[i % citizens.length].user, 'image/jpeg', JPEG, from)).status);
    expect(statuses.filter((s) => s !== 429).length).toBeLessThanOrEqual(PHOTO_LIMITS.uploadsPerAddress);
    expect(statuses.slice(-5)).toEqual(Array(5).fill(429));
  });

  it('refuses a photo over 5 MB with 413, and a request without a chat id with 400', async () => {
    const c = await filingCitizen();
    const from = newAddress();
    const res = await upload(c.user, 'image/png', Buffer.concat([PNG, Buffer.alloc(6 * 1024 * 1024)]), from);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: 'photo-too-large' });
    expect((await fetch(`${server.url}/chat/upload`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: PNG })).status).toBe(400);
  });
});
