import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

// PyPI's georeport client (installed by scripts/test-deps.sh), a GeoReport v2 client this project did not write,
// run against the real server in both of its formats.
const VENV = path.join(process.env.NAFIDHA_CACHE ?? path.join(os.homedir(), '.cache/nafidha'), 'open311-venv');
const PYTHON = path.join(VENV, 'bin/python');
const DRIVER = path.join(import.meta.dirname, 'georeport-client.py');
const KEY = 'georeport-conformance-key';

type Outcome = { ok: true; value: unknown } | { ok: false; error: string };
let server: TestServer;
let ids: string[];
let outcomes: Record<string, Outcome>;

beforeAll(async () => {
  expect(existsSync(PYTHON), `${PYTHON} is missing: run bash scripts/test-deps.sh`).toBe(true);
  server = await startTestServer({ dbName: 'open311-georeport', open311Keys: [KEY] });
  ids = [];
  for (const [description, lat] of [['Deep pothole on the ring road', '32.8712'], ['Broken kerb by the market', '32.8721']]) {
    const res = await fetch(`${server.url}/open311/v2/requests.json`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ api_key: KEY, service_code: 'roads', lat, long: '13.1806', description, email: 'reporter@example.org' }),
    });
    expect(res.status).toBe(201);
    ids.push(((await res.json()) as { service_request_id: string }[])[0].service_request_id);
  }
  const start = new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
  const end = new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
  const { stdout } = await promisify(execFile)(PYTHON, [DRIVER, `${server.url}/open311/v2`, ids.join(','), start, end], { timeout: 60_000 });
  outcomes = JSON.parse(stdout) as Record<string, Outcome>;
});
afterAll(async () => { await server?.close(); });

const value = (op: string): unknown => {
  const o = outcomes[op];
  if (!o) throw new Error(`${op} did not run`);
  if (!o.ok) throw new Error(`${op} failed in georeport: ${o.error}`);
  return o.value;
};
const asList = (v: unknown) => (Array.isArray(v) ? v : [v]) as Record<string, unknown>[];

describe('PyPI georeport client against the server', () => {
  it('reads the service list in JSON and XML, with the same services', () => {
    const json = value('get_service_list.json') as Record<string, unknown>[];
    const xml = asList(value('get_service_list.xml'));
    const codes = json.map((s) => s.service_code);
    expect(codes).toContain('roads');
    expect(xml.map((s) => s.service_code)).toEqual(codes);
    // XML carries text: the same fields, with the booleans spelled out.
    expect(xml[0]).toEqual({ ...json[0], metadata: 'false' });
  });

  it('reads a service definition in both formats', () => {
    expect(value('get_service_definition.json')).toEqual({ service_code: 'roads', attributes: [] });
    expect(value('get_service_definition.xml')).toEqual({ service_code: 'roads', attributes: null });
  });

  it('reads requests by id, by filter and one by one, in both formats, without the reporter', () => {
    for (const fmt of ['json', 'xml']) {
      const byId = asList(value(`get_service_requests_by_id.${fmt}`));
      expect(byId.map((r) => r.service_request_id).sort()).toEqual([...ids].sort());
      const filtered = asList(value(`get_service_requests_filtered.${fmt}`));
      expect(filtered.map((r) => r.service_request_id)).toEqual(expect.arrayContaining(ids));
      const one = value(`get_service_request.${fmt}`) as Record<string, unknown>;
      expect(one).toMatchObject({ service_request_id: ids[0], status: 'open', service_code: 'roads', agency_responsible: 'Public Works Department' });
      expect(Number.isNaN(Date.parse(String(one.requested_datetime)))).toBe(false);
      expect(JSON.stringify([byId, filtered, one])).not.toMatch(/reporter@example\.org|pothole|kerb|32\.87/);
    }
  });

  it('an unknown id is an HTTP 404 the client reports as an error', () => {
    for (const fmt of ['json', 'xml']) {
      const o = outcomes[`get_unknown_service_request.${fmt}`];
      expect(o).toMatchObject({ ok: false, error: expect.stringContaining('404') });
    }
  });

  it('every operation of the client passes in both formats', () => {
    const failed = Object.entries(outcomes).filter(([op, o]) => !o.ok && !op.startsWith('get_unknown'));
    expect(failed).toEqual([]);
    expect(Object.keys(outcomes)).toHaveLength(12);
  });
});
