import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoMediaStore } from '../../src/db/media.js';
import { StaffClient, startTestServer, type TestServer } from '../helpers/server.js';

// Complaint photos are evidence staff may see only through their session, and only for complaints of their
// departments; a confidential complaint's photo opened by the office is audited.

let server: TestServer;
let sewage: StaffClient;
let roads: StaffClient;
let office: StaffClient;
let png: Buffer;
let code: string;
let photo: string;
let other: string;

beforeAll(async () => {
  server = await startTestServer({ dbName: 'complaint_photos' });
  [sewage, roads, office] = [new StaffClient(server.url), new StaffClient(server.url), new StaffClient(server.url)];
  await sewage.signIn('rami', await server.addStaff('rami', 'agent', 'water-sewage'));
  await roads.signIn('nuri', await server.addStaff('nuri', 'agent', 'public-works'));
  await office.signIn('salma', await server.addStaff('salma', 'supervisor'));
  const media = new MongoMediaStore(server.db.connection);
  png = await QRCode.toBuffer('sewer overflow');
  photo = await media.save('telegram:8801', 'image/png', png);
  other = await media.save('telegram:8802', 'image/png', png);
  const filed = await server.nafidha.complaints.fileComplaint({
    category: 'sewage', description: 'طفح مجاري أمام البيت', privacy: 'confidential', name: 'هدى', from: { channel: 'telegram', user: '8801' },
    consentToContact: false, lang: 'ar', messageId: 'p-1', photos: [photo], location: { lat: 32.87, lon: 13.18 },
  });
  if (!filed.ok) throw new Error('not filed');
  code = filed.receipt.code;
});
afterAll(async () => { await server?.close(); });

const url = (id: string) => `/console/api/complaints/${code}/photos/${id}`;

describe('complaint photos', () => {
  it("are served to the complaint's department as the stored image, private and never cached", async () => {
    const res = await sewage.call('GET', url(photo));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await res.arrayBuffer()).equals(png)).toBe(true);
  });

  it('are refused to another department (403), to no session (401), and for a photo not of this complaint (404)', async () => {
    expect((await roads.call('GET', url(photo))).status).toBe(403);
    expect((await new StaffClient(server.url).call('GET', url(photo))).status).toBe(401);
    expect((await sewage.call('GET', url(other))).status).toBe(404);
    expect((await sewage.call('GET', url('nope'))).status).toBe(404);
    expect((await fetch(`${server.url}/media/${photo}`)).status).toBe(404);
  });

  it("a confidential complaint's photo opened by staff is audited", async () => {
    expect((await office.call('GET', url(photo))).status).toBe(200);
    const { body } = await office.json<{ entries: { who: string; what: string; detail: string }[] }>('GET', `/console/api/audit?target=${code}`);
    expect(body.entries.map((e) => `${e.who}:${e.what}:${e.detail}`)).toEqual(expect.arrayContaining([`salma:view-confidential-photo:${photo}`, `rami:view-confidential-photo:${photo}`]));
    // The photo route never tells who filed it.
    const seen = await sewage.json('GET', `/console/api/complaints/${code}`);
    expect(JSON.stringify(seen.body)).not.toMatch(/هدى|8801/);
  });

  it('Leaflet is served from the console itself', async () => {
    const js = await fetch(`${server.url}/console/vendor/leaflet/leaflet-src.esm.js`);
    expect(js.status).toBe(200);
    expect(await js.text()).toContain('Leaflet');
  });
});
