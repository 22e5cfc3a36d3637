import mongoose from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { testDatabaseUri } from '../helpers/db.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';

// A power cut in the middle of a burst of confirmations: the server process is killed with SIGKILL while fifty
// citizens press "confirm" at once. After a restart every citizen must end with exactly one complaint and know its
// code, whether they retry the same message (as a client library does), send a new one (as the web page does), or
// ask "/status".

const CITIZENS = 50;
const uri = testDatabaseUri('sec_crash');
let server: ServerProcess | undefined;
const db = mongoose.createConnection(uri);
afterAll(async () => {
  server?.process.kill('SIGKILL');
  await db.dropDatabase().catch(() => undefined);
  await db.close();
});

const codeIn = (text: string) => /C-[0-9A-Z]{5}-[0-9A-Z]{5}/.exec(text)?.[0];
const privacyOf = (i: number) => (['named', 'confidential', 'anonymous'] as const)[i % 3];

async function say(base: string, user: string, text: string, id: string): Promise<string> {
  const res = await fetch(`${base}/api/messages`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'message', user, text, id }),
  });
  if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
  const raw = await res.text();
  return ((raw ? JSON.parse(raw) : []) as { text: string }[]).map((m) => m.text).join('\n');
}

async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

describe('a kill -9 during a burst of confirmations', () => {
  it('leaves every citizen with exactly one complaint whose code they know', async () => {
    server = await startServerProcess({ MONGODB_URI: uri });
    const citizens = Array.from({ length: CITIZENS }, (_, i) => ({ i, user: `crash-citizen-${String(i).padStart(4, '0')}-x`, code: undefined as string | undefined }));
    await inBatches(citizens, 10, async (c) => {
      const steps = ['/complaint', '/cat roads', `حفرة عميقة رقم ${c.i} في الشارع`, `شارع الجمهورية ${c.i}`, '/skip', `/${privacyOf(c.i)}`];
      // Named and confidential filings give a name and a phone to call back (issue 15).
      if (privacyOf(c.i) !== 'anonymous') steps.push(`مواطن ${c.i}`, `09123${String(c.i).padStart(5, '0')}`, '/yes');
      for (const [n, step] of steps.entries()) await say(server!.url, c.user, step, `${c.user}-step-${n}`);
    });

    // Everyone confirms at once; the server dies once a third of them are stored.
    const base = server.url;
    const confirms = citizens.map((c) => say(base, c.user, '/confirm', `${c.user}-confirm`).then((text) => { c.code = codeIn(text); }, () => undefined));
    const complaints = db.collection('complaints');
    for (let n = 0; n < 2000 && (await complaints.countDocuments()) < 15; n++) await new Promise((r) => setTimeout(r, 5));
    server.process.kill('SIGKILL');
    await server.exited;
    await Promise.all(confirms);
    const storedAtKill = await complaints.countDocuments();
    const answeredBeforeKill = citizens.filter((c) => c.code).length;

    // The server comes back; every citizen who has no code tries again.
    server = await startServerProcess({ MONGODB_URI: uri });
    const recovered = { sameId: 0, newId: 0, status: 0 };
    await inBatches(citizens.filter((c) => !c.code), 10, async (c) => {
      const sameId = c.i % 2 === 0;
      c.code = codeIn(await say(server!.url, c.user, '/confirm', sameId ? `${c.user}-confirm` : `${c.user}-confirm-again`));
      if (c.code) { recovered[sameId ? 'sameId' : 'newId']++; return; }
      c.code = codeIn(await say(server!.url, c.user, '/status', `${c.user}-status`));
      if (c.code) recovered.status++;
    });
    // And a citizen who already had the code, pressing confirm once more, files nothing new.
    for (const c of citizens.filter((x) => x.i < 6)) expect(codeIn(await say(server.url, c.user, '/confirm', `${c.user}-confirm-twice`)) ?? c.code).toBe(c.code);

    const all = await complaints.find({}, { projection: { code: 1, privacy: 1, 'source.user': 1 } }).toArray();
    console.log(`crash: ${storedAtKill} stored and ${answeredBeforeKill} answered when killed; recovered by same id ${recovered.sameId}, new id ${recovered.newId}, /status ${recovered.status}; ${all.length} complaints for ${CITIZENS} citizens`);
    const withoutCode = citizens.filter((c) => !c.code);
    expect(withoutCode.map((c) => c.user)).toEqual([]);
    expect(all).toHaveLength(CITIZENS);
    expect(new Set(citizens.map((c) => c.code)).size).toBe(CITIZENS);
    const byCode = new Map(all.map((d) => [d.code as string, d]));
    for (const c of citizens) {
      const stored = byCode.get(c.code!);
      expect(stored, `${c.user}'s code ${c.code}`).toBeDefined();
      expect(stored!.privacy).toBe(privacyOf(c.i));
      // Named and confidential complaints are this chat's; an anonymous one keeps nothing of it.
      if (privacyOf(c.i) === 'anonymous') expect(stored!.source).toBeUndefined();
      else expect(stored!.source.user).toBe(c.user);
    }
  }, 240_000);
});
