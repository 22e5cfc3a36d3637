import { readFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

// FixMyStreet's calls (fixtures/fixmystreet, see its README) replayed byte for byte against the real server, each
// answer read the way FixMyStreet reads it (XML::Simple with its group tags forced to lists) and held to the
// element names and order of the specification's examples (fixtures/open311-spec). The same calls with `.json`
// must give the same fields.

const FIXTURES = path.join(import.meta.dirname, 'fixtures');
const KEY = 'fixmystreet-council-key';
let server: TestServer;

beforeAll(async () => { server = await startTestServer({ dbName: 'open311-fms', open311Keys: [KEY] }); });
afterAll(async () => { await server?.close(); });

type Format = 'xml' | 'json';
interface Answer { status: number; type: string; text: string }

/** Sends a fixture as written, `{name}` filled in, switched to `.json` when asked. */
async function replay(name: string, vars: Record<string, string> = {}, format: Format = 'xml'): Promise<Answer> {
  let raw = readFileSync(path.join(FIXTURES, 'fixmystreet', `${name}.http`), 'utf8');
  raw = raw.replace(/\{(\w+)\}/g, (_, k: string) => {
    if (!(k in vars)) throw new Error(`fixture ${name} needs {${k}}`);
    return encodeURIComponent(vars[k]);
  });
  const [head, body] = raw.split(/\n\n/, 2);
  const [requestLine, ...headerLines] = head.trim().split('\n');
  const [method, target] = requestLine.split(' ');
  const url = `${server.url}${format === 'json' ? target.replace(/\.xml(\?|$)/, '.json$1') : target}`;
  const headers = Object.fromEntries(headerLines.map((l) => l.split(/:\s*/, 2) as [string, string]));
  const res = await fetch(url, { method, headers, ...(method === 'POST' ? { body: body.trim() } : {}) });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

const GROUP_ITEMS = ['service', 'attribute', 'value', 'request', 'error', 'request_update', 'group'];

/** What FixMyStreet's `_get_xml_object` makes of a document: the root's content, group items always lists. */
function readAsFixMyStreet(xml: string): Record<string, unknown> {
  expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
  const doc = new XMLParser({ isArray: (name) => GROUP_ITEMS.includes(name), parseTagValue: false, ignoreDeclaration: true }).parse(xml, true) as Record<string, unknown>;
  const [root] = Object.values(doc);
  return (root && typeof root === 'object' ? root : {}) as Record<string, unknown>;
}

type Tree = { name: string; children: Tree[] };
function tree(xml: string): Tree {
  const ordered = new XMLParser({ preserveOrder: true, ignoreDeclaration: true }).parse(xml) as Record<string, unknown>[];
  const walk = (node: Record<string, unknown>): Tree | undefined => {
    const name = Object.keys(node).find((k) => k !== ':@' && k !== '#text');
    if (!name) return undefined;
    return { name, children: (node[name] as Record<string, unknown>[]).flatMap((c) => walk(c) ?? []) };
  };
  return walk(ordered[0])!;
}

/** Every element of `actual` is one the example has at that place, in the example's order; none is invented. */
function conformsTo(exampleFile: string, xml: string, at = ''): void {
  const example = tree(readFileSync(path.join(FIXTURES, 'open311-spec', exampleFile), 'utf8'));
  const check = (a: Tree, e: Tree, where: string) => {
    expect(a.name, where).toBe(e.name);
    let last = -1;
    for (const child of a.children) {
      const i = e.children.findIndex((c) => c.name === child.name);
      expect(i, `${where}/${child.name} is not in the specification's example`).toBeGreaterThanOrEqual(0);
      // Repeated items (service, request, ...) share one index; other elements keep the example's order.
      expect(i, `${where}/${child.name} comes after an element the specification puts later`).toBeGreaterThanOrEqual(last);
      last = i;
      check(child, e.children[i], `${where}/${child.name}`);
    }
  };
  check(tree(xml), example, at || example.name);
}

/** A list item's fields as JSON gives them, compared with the XML's text values. */
function sameFields(jsonItem: Record<string, unknown>, xmlItem: Record<string, unknown>): void {
  const asText = (v: unknown) => (v === null || v === undefined ? '' : Array.isArray(v) && !v.length ? '' : String(v));
  expect(Object.keys(xmlItem).sort()).toEqual(Object.keys(jsonItem).sort());
  for (const [k, v] of Object.entries(jsonItem)) {
    if (typeof v !== 'object' || v === null) expect(asText(xmlItem[k]), k).toBe(asText(v));
  }
}

const W3C = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/;
// FixMyStreet's map_state knows these (after lower-casing and replacing _ by a space) besides its own states.
const FMS_STATES = ['open', 'closed', 'fixed', 'in progress', 'investigating', 'action scheduled', 'duplicate', 'not councils responsibility', 'no further action'];

async function fileReport(): Promise<{ named: string; anonymous: string }> {
  const named = await replay('post-request', { api_key: KEY });
  const anonymous = await replay('post-request-arabic', { api_key: KEY });
  return {
    named: String((readAsFixMyStreet(named.text).request as Record<string, unknown>[])[0].service_request_id),
    anonymous: String((readAsFixMyStreet(anonymous.text).request as Record<string, unknown>[])[0].service_request_id),
  };
}

describe("FixMyStreet's Open311 calls against the server", () => {
  it('the service list is what PopulateServiceList reads: service_code, service_name, metadata, group', async () => {
    const res = await replay('get-services');
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/xml; charset=utf-8/);
    conformsTo('services.xml', res.text);
    const services = readAsFixMyStreet(res.text).service as Record<string, unknown>[];
    expect(services.length).toBeGreaterThan(0);
    for (const s of services) {
      expect(typeof s.service_code).toBe('string');
      expect(typeof s.service_name).toBe('string');
      expect(['true', 'false']).toContain(s.metadata);
      expect(s.type).toBe('realtime');
    }
    const json = await replay('get-services', {}, 'json');
    const list = JSON.parse(json.text) as Record<string, unknown>[];
    list.forEach((s, i) => sameFields(s, services[i]));
  });

  it('a service definition has the specification root and an attribute list', async () => {
    const res = await replay('get-service-definition');
    expect(res.status).toBe(200);
    conformsTo('service-definition.xml', res.text);
    expect(readAsFixMyStreet(res.text)).toMatchObject({ service_code: 'roads' });
    expect(JSON.parse((await replay('get-service-definition', {}, 'json')).text)).toEqual({ service_code: 'roads', attributes: [] });
  });

  it("POST requests.xml with FixMyStreet's form body answers a service_request_id, no token", async () => {
    const res = await replay('post-request', { api_key: KEY });
    expect(res.status).toBe(201);
    conformsTo('post-request.xml', res.text);
    const [request] = readAsFixMyStreet(res.text).request as Record<string, unknown>[];
    // send_service_request takes {request}[0]{service_request_id} when it is a plain value.
    expect(request.service_request_id).toMatch(/^C-[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    expect(request).not.toHaveProperty('token');
    const stored = await server.nafidha.complaints.find(String(request.service_request_id));
    expect(stored).toMatchObject({ category: 'roads', via: 'open311', privacy: 'confidential', reporter: { name: 'Salma Haddad', email: 'salma@example.org' }, location: { lat: 32.871234, lon: 13.180612 } });
    expect(stored?.description).toContain('A deep pothole has opened in front of the school gate.');

    const again = await replay('post-request', { api_key: KEY }, 'json');
    expect(again.status).toBe(200); // the same report retried: filed once
    const [json] = JSON.parse(again.text) as Record<string, unknown>[];
    sameFields(json, request);
  });

  it('an Arabic report with empty name and email fields is stored anonymously, in Arabic', async () => {
    const res = await replay('post-request-arabic', { api_key: KEY });
    expect(res.status).toBe(201);
    const [request] = readAsFixMyStreet(res.text).request as Record<string, unknown>[];
    const stored = await server.nafidha.complaints.find(String(request.service_request_id));
    expect(stored).toMatchObject({ privacy: 'anonymous', lang: 'ar', category: 'street-lighting' });
    expect(stored).not.toHaveProperty('reporter');
  });

  it('a wrong key is a 403 in <errors><error>, which _process_error reads as code and description', async () => {
    const res = await replay('post-request-wrong-key');
    expect(res.status).toBe(403);
    expect(res.type).toMatch(/^text\/xml/);
    conformsTo('errors.xml', res.text);
    const [error] = readAsFixMyStreet(res.text).error as Record<string, unknown>[];
    expect(error).toEqual({ code: '403', description: expect.stringContaining('api_key') });
    const json = await replay('post-request-wrong-key', {}, 'json');
    expect(json.type).toMatch(/^application\/json/);
    expect(JSON.parse(json.text)).toEqual([{ code: 403, description: error.description }]);
  });

  it('requests by id give status, status_notes and W3C dates, never the reporter, the text or the place', async () => {
    const { named, anonymous } = await fileReport();
    await server.nafidha.complaints.changeStatus(named, 'in-progress', 'staff:omar');
    const window = { start_date: new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z'), end_date: new Date(Date.now() + 60_000).toISOString().replace(/\.\d+Z$/, 'Z') };
    const res = await replay('get-requests-by-id', { ids: `${named},${anonymous}`, ...window });
    expect(res.status).toBe(200);
    conformsTo('requests.xml', res.text);
    const requests = readAsFixMyStreet(res.text).request as Record<string, unknown>[];
    expect(requests.map((r) => r.service_request_id).sort()).toEqual([named, anonymous].sort());
    for (const r of requests) {
      expect(FMS_STATES).toContain(String(r.status).toLowerCase().replace(/_/g, ' '));
      expect(r.updated_datetime).toMatch(W3C);
      expect(r.requested_datetime).toMatch(W3C);
      expect(typeof r.status_notes).toBe('string');
    }
    expect(requests.find((r) => r.service_request_id === named)).toMatchObject({ status: 'open', status_notes: 'being worked on by the department' });
    expect(res.text).not.toMatch(/Salma|Haddad|salma@|pothole|32\.87|13\.18|عمود|<lat>|<address>/);
    const json = JSON.parse((await replay('get-requests-by-id', { ids: `${named},${anonymous}`, ...window }, 'json')).text) as Record<string, unknown>[];
    json.forEach((item) => sameFields(item, requests.find((r) => r.service_request_id === item.service_request_id)!));
  });

  it('servicerequestupdates gives each status change with its public wording, for FixMyStreet to add as an update', async () => {
    const { named } = await fileReport();
    const before = new Date(Date.now() - 1000);
    await server.nafidha.complaints.changeStatus(named, 'in-progress', 'staff:omar', 'called Salma Haddad on +218911112222');
    await server.nafidha.complaints.changeStatus(named, 'resolved', 'staff:omar');
    const window = { api_key: KEY, start_date: before.toISOString().replace(/\.\d+Z$/, 'Z'), end_date: new Date(Date.now() + 60_000).toISOString().replace(/\.\d+Z$/, 'Z') };
    const res = await replay('get-service-request-updates', window);
    expect(res.status).toBe(200);
    conformsTo('service-request-updates.xml', res.text);
    const updates = (readAsFixMyStreet(res.text).request_update as Record<string, unknown>[]).filter((u) => u.service_request_id === named);
    expect(updates.map((u) => [u.status, u.description])).toEqual([['in_progress', 'being worked on by the department'], ['fixed', 'resolved']]);
    for (const u of updates) {
      expect(u.update_id).toBeTruthy(); // process_requests skips updates without one
      expect(u.updated_datetime).toMatch(W3C);
      expect(FMS_STATES).toContain(String(u.status).replace(/_/g, ' '));
    }
    expect(new Set(updates.map((u) => u.update_id)).size).toBe(2);
    expect(res.text).not.toMatch(/Salma|\+218|called/);
    const json = JSON.parse((await replay('get-service-request-updates', window, 'json')).text) as Record<string, unknown>[];
    const mine = json.filter((u) => u.service_request_id === named);
    mine.forEach((u, i) => sameFields(u, updates[i]));
  });

  it('a token lookup is a 404 error document: POST already gave the id', async () => {
    const res = await replay('get-token', { token: '12345' });
    expect(res.status).toBe(404);
    conformsTo('errors.xml', res.text);
    expect(readAsFixMyStreet(res.text).error).toEqual([{ code: '404', description: expect.stringContaining('service_request_id') }]);
  });
});

describe('discovery', () => {
  it('discovery.xml and discovery.json list the endpoint, its specification and both formats', async () => {
    const xml = await fetch(`${server.url}/open311/v2/discovery.xml`);
    expect(xml.status).toBe(200);
    const text = await xml.text();
    conformsTo('discovery.xml', text);
    const json = await (await fetch(`${server.url}/open311/v2/discovery.json`)).json() as { endpoints: Record<string, unknown>[]; contact: string };
    expect(json.endpoints).toEqual([{
      specification: 'http://wiki.open311.org/GeoReport_v2', url: `${server.url}/open311/v2`, changeset: expect.stringMatching(W3C),
      type: 'production', formats: ['text/xml', 'application/json'],
    }]);
    expect(json.contact).toBeTruthy();
    const parsed = new XMLParser({ isArray: (n) => n === 'endpoint' || n === 'format' }).parse(text) as { discovery: { endpoints: { endpoint: { url: string; formats: { format: string[] } }[] } } };
    expect(parsed.discovery.endpoints.endpoint[0]).toMatchObject({ url: `${server.url}/open311/v2`, formats: { format: ['text/xml', 'application/json'] } });
  });

  it('an unknown resource is a 404 in the format its path asked for', async () => {
    const xml = await fetch(`${server.url}/open311/v2/nothing.xml`);
    expect(xml.status).toBe(404);
    conformsTo('errors.xml', await xml.text());
    const json = await fetch(`${server.url}/open311/v2/nothing.json`);
    expect(await json.json()).toEqual([{ code: 404, description: expect.stringContaining('discovery') }]);
  });
});
