import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpen311Router } from '../../src/http/open311.js';
import { categories, departments, municipality, openDatabase, texts, wire } from '../domain/setup.js';

const API_KEY = 'key-for-the-civic-app';
let db: Awaited<ReturnType<typeof openDatabase>>;
let app: ReturnType<typeof wire>;
let server: Server;
let base: string;

beforeAll(async () => {
  db = await openDatabase('open311');
  app = wire(db.connection);
  const http = express();
  http.use('/open311/v2', createOpen311Router({
    complaints: app.complaints, store: app.stores.complaints, categories, departments, texts,
    apiKeys: ['another-key', API_KEY], timeZone: municipality.timezone, jurisdictionId: 'al-waha',
  }));
  server = await new Promise<Server>((resolve) => { const s = http.listen(0, '127.0.0.1', () => resolve(s)); });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/open311/v2`;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await db?.drop();
});

const post = (fields: Record<string, string>) => fetch(`${base}/requests.json`, {
  method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields),
});

describe('Open311 GeoReport v2', () => {
  it('services.json lists one realtime service per complaint category, grouped by department', async () => {
    const res = await fetch(`${base}/services.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const services = await res.json() as Record<string, unknown>[];
    expect(services.map((s) => s.service_code)).toEqual(['roads', 'street-lighting', 'staff-conduct']);
    expect(services[0]).toEqual({
      service_code: 'roads', service_name: 'Roads and pavements', description: 'Roads and pavements', metadata: false,
      type: 'realtime', keywords: expect.stringContaining('pothole'), group: 'public-works',
    });
  });

  it('services/{code}.json describes a service without extra attributes, and an unknown one is 404', async () => {
    expect(await (await fetch(`${base}/services/roads.json`)).json()).toEqual({ service_code: 'roads', attributes: [] });
    const missing = await fetch(`${base}/services/parking.json`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual([{ code: 404, description: expect.stringContaining('parking') }]);
  });

  it('a report POSTed with a key is stored as a complaint and can then be read back, without the reporter', async () => {
    const res = await post({
      api_key: API_KEY, service_code: 'roads', lat: '32.8712', long: '13.1806', description: 'Deep pothole next to the school gate',
      first_name: 'Nadia', last_name: 'Salem', email: 'nadia@example.org', phone: '+218911112222', media_url: 'https://example.org/p.jpg',
    });
    expect(res.status).toBe(201);
    const [created] = await res.json() as { service_request_id: string; service_notice: string; account_id: null }[];
    expect(created.service_request_id).toMatch(/^C-/);
    expect(created.account_id).toBeNull();
    expect(created.service_notice).toContain('Public Works');

    const stored = await app.stores.complaints.findByCode(created.service_request_id);
    expect(stored).toMatchObject({ category: 'roads', department: 'public-works', privacy: 'confidential', via: 'open311', reporter: { name: 'Nadia Salem' } });

    const list = await (await fetch(`${base}/requests.json?service_code=roads&status=open`)).json() as Record<string, unknown>[];
    const mine = list.find((r) => r.service_request_id === created.service_request_id);
    expect(mine).toMatchObject({ status: 'open', service_code: 'roads', agency_responsible: 'Public Works' });
    expect(new Date(String(mine!.requested_datetime)).getTime()).toBeGreaterThan(Date.now() - 60_000);

    const single = await fetch(`${base}/requests/${created.service_request_id}.json`);
    expect(single.status).toBe(200);
    const body = JSON.stringify(await single.json());
    for (const secret of ['Nadia', 'Salem', 'nadia@example.org', '+218911112222', 'pothole next to the school', 'example.org/p.jpg']) {
      expect(body).not.toContain(secret);
    }
    expect(JSON.stringify(list)).not.toContain('Nadia');
  });

  it('a report without any identity is stored anonymously', async () => {
    const res = await fetch(`${base}/requests.json`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: API_KEY, service_code: 'street-lighting', address_string: 'Al-Jumhuriya Street', description: 'Lamp post dark' }),
    });
    expect(res.status).toBe(201);
    const [{ service_request_id }] = await res.json() as { service_request_id: string }[];
    const stored = await app.stores.complaints.findByCode(service_request_id);
    expect(stored).toMatchObject({ privacy: 'anonymous', location: { text: 'Al-Jumhuriya Street' } });
    expect(stored).not.toHaveProperty('reporter');
  });

  it('requests.json filters by id, status and dates', async () => {
    const res = await post({ api_key: API_KEY, service_code: 'staff-conduct', address_string: 'Main hall', description: 'A clerk asked for money' });
    const [{ service_request_id: id }] = await res.json() as { service_request_id: string }[];
    await app.complaints.changeStatus(id, 'resolved', 'staff:omar');

    const byId = await (await fetch(`${base}/requests.json?service_request_id=${id.toLowerCase()}&status=open`)).json() as Record<string, unknown>[];
    expect(byId).toMatchObject([{ service_request_id: id, status: 'closed' }]);
    const closed = await (await fetch(`${base}/requests.json?status=closed`)).json() as Record<string, unknown>[];
    expect(closed.map((r) => r.service_request_id)).toContain(id);
    const open = await (await fetch(`${base}/requests.json?status=open`)).json() as Record<string, unknown>[];
    expect(open.map((r) => r.service_request_id)).not.toContain(id);
    const future = await (await fetch(`${base}/requests.json?start_date=${encodeURIComponent(new Date(Date.now() + 86_400_000).toISOString())}`)).json();
    expect(future).toEqual([]);
    const bad = await fetch(`${base}/requests.json?start_date=yesterday`);
    expect(bad.status).toBe(400);
  });

  it('a POST with a wrong or missing api_key is refused with 403', async () => {
    const wrong = await post({ api_key: 'guessed', service_code: 'roads', lat: '32.87', long: '13.18', description: 'x' });
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toEqual([{ code: 403, description: expect.stringContaining('api_key') }]);
    expect((await post({ service_code: 'roads', lat: '32.87', long: '13.18', description: 'x' })).status).toBe(403);
  });

  it('a POST without service_code or without a location is refused with 400', async () => {
    const noService = await post({ api_key: API_KEY, lat: '32.87', long: '13.18', description: 'x' });
    expect(noService.status).toBe(400);
    expect(await noService.json()).toEqual([{ code: 400, description: expect.stringContaining('service_code') }]);
    const noPlace = await post({ api_key: API_KEY, service_code: 'roads', description: 'x' });
    expect(noPlace.status).toBe(400);
  });

  it('fields of the wrong shape are refused with 400 naming the field, in JSON and in XML', async () => {
    const json = (body: unknown) => fetch(`${base}/requests.json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const badPoint = await post({ api_key: API_KEY, service_code: 'roads', lat: 'north', long: '13.18', description: 'حفرة' });
    expect(badPoint.status).toBe(400);
    expect(await badPoint.json()).toEqual([{ code: 400, description: 'lat and long must be decimal degrees' }]);
    const objectDescription = await json({ api_key: API_KEY, service_code: 'roads', address_string: 'شارع الجمهورية', description: { text: 'x' } });
    expect(objectDescription.status).toBe(400);
    expect(await objectDescription.json()).toEqual([{ code: 400, description: expect.stringContaining('description') }]);
    const longCode = await post({ api_key: API_KEY, service_code: 'r'.repeat(500), address_string: 'x', description: 'y' });
    expect(longCode.status).toBe(400);
    const badStatus = await fetch(`${base}/requests.xml?status=pending`);
    expect(badStatus.status).toBe(400);
    expect(await badStatus.text()).toContain('status must be open, closed or both');
  });

  it('a point far outside the municipality is refused with the reason', async () => {
    const res = await post({ api_key: API_KEY, service_code: 'roads', lat: '36.80', long: '10.18', description: 'pothole' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual([{ code: 400, description: expect.stringContaining('outside the municipality') }]);
  });

  it('an unknown request id is 404 and another jurisdiction is 404', async () => {
    expect((await fetch(`${base}/requests/C-00000-00000.json`)).status).toBe(404);
    expect((await fetch(`${base}/services.json?jurisdiction_id=elsewhere`)).status).toBe(404);
    expect((await fetch(`${base}/services.json?jurisdiction_id=al-waha`)).status).toBe(200);
  });
});
