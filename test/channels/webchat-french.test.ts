import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { StaffClient, startTestServer, until, type TestServer } from '../helpers/server.js';

// Issue 11: a citizen who writes French goes through guidance, a complaint and a status lookup on the web chat,
// over the page's real socket, and reads every answer in French; staff read the chat in the console.

let server: TestServer;
// The chat the page opens (POST /chat/session): its socket proves the chat's key first.
let user = '';

beforeAll(async () => { server = await startTestServer({ dbName: 'webchat_french' }); });
afterAll(async () => { await server?.close(); });

interface Received { text: string; lang?: string; quick_replies?: { title: string; payload: string }[] }

/** The web chat page's protocol: hello on open (a French browser opens the page in English), acks for ids. */
async function page() {
  const session = await (await fetch(`${server.url}/chat/session`, { method: 'POST' })).json() as { user: string; key: string };
  user = session.user;
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/chat/ws`);
  const received: Received[] = [];
  ws.on('message', (d) => {
    const m = JSON.parse(String(d)) as Received & { id?: string };
    if (m.id) ws.send(JSON.stringify({ type: 'ack', ack: m.id, user, channel: 'websocket' }));
    received.push(m);
  });
  await new Promise((r) => ws.once('open', r));
  ws.send(JSON.stringify({ type: 'hello', user, key: session.key, channel: 'websocket', lang: 'en' }));
  await until(() => received.length > 0, 10_000);
  /** Sends a message and waits until the answer (everything until it goes quiet on the last expected line) arrives. */
  async function say(text: string, until_: (r: Received) => boolean): Promise<Received> {
    const from = received.length;
    ws.send(JSON.stringify({ type: 'message', user, channel: 'websocket', text, id: `${Math.random()}` }));
    try {
      return await until(() => received.slice(from).find(until_), 15_000);
    } catch {
      throw new Error(`no awaited answer to "${text}"; got: ${JSON.stringify(received.slice(from))}`);
    }
  }
  return { ws, received, say };
}

const CODE = /C-[0-9A-Z]{5}-[0-9A-Z]{5}/;

describe('a French-writing citizen on the web chat', () => {
  it('gets guidance, files a complaint to its receipt and looks it up, all in French', async () => {
    const chat = await page();
    expect(chat.received[0].lang).toBe('en');

    // Guidance for a service, asked in French: the frame and the service's name are French.
    const guidance = await chat.say("Bonjour, quels papiers faut-il pour un extrait d'état civil ?", (r) => r.text.includes('📄'));
    expect(guidance.lang).toBe('fr');
    expect(guidance.text).toContain("📄 Extrait d'état civil");
    expect(guidance.text).toContain('Documents à fournir :');
    expect(guidance.text).toContain("1. Carte d'identité ou numéro national de la personne concernée (Original)");
    expect(guidance.text).toContain('Envoyez « plus »');
    expect(guidance.quick_replies?.map((q) => q.title)).toContain('Plus');

    // A complaint, from the first words to the receipt.
    const start = await chat.say('Je veux déposer une plainte, il y a un grand trou dans la route devant chez moi', (r) => !!r.quick_replies?.length || /Décrivez/.test(r.text));
    expect(start.lang).toBe('fr');
    // The first words already describe the problem, so the description may be taken from them.
    const asked = (r: Received) => /Décrivez|Où se trouve le problème/.test(r.text);
    let step = start;
    if (step.text.includes('Est-ce exact ?')) {
      expect(step.text).toContain('Routes et trottoirs');
      step = await chat.say('/yes', asked);
    } else if (step.text.includes('De quel type de problème')) {
      expect(step.quick_replies?.map((q) => q.title)).toContain('Routes et trottoirs');
      step = await chat.say('/cat roads', asked);
    }
    if (step.text.includes('Décrivez')) {
      expect(step.text).toContain('Décrivez brièvement le problème');
      step = await chat.say('Un trou profond au milieu de la chaussée depuis deux semaines, les voitures l\'évitent', (r) => r.text.includes('Où se trouve le problème'));
    }
    expect(step.text).toContain('Partagez une position 📍');
    step = await chat.say('Rue Omar Al-Mokhtar, en face de la pharmacie', (r) => r.text.includes('photo'));
    expect(step.quick_replies?.map((q) => q.title)).toEqual(['Passer']);
    step = await chat.say('/skip', (r) => r.text.includes('Comment voulez-vous la déposer'));
    expect(step.quick_replies?.map((q) => q.title)).toEqual(['À mon nom', 'Confidentielle', 'Anonyme']);
    step = await chat.say('/anonymous', (r) => r.text.includes('Veuillez vérifier votre plainte'));
    expect(step.text).toContain('• Type : Routes et trottoirs');
    expect(step.text).toContain('• Photos : aucune');
    expect(step.lang).toBe('fr');
    const receipt = await chat.say('/confirm', (r) => CODE.test(r.text));
    expect(receipt.lang).toBe('fr');
    expect(receipt.text).toContain('✅ Votre plainte est enregistrée.');
    expect(receipt.text).toContain('Transmise à : Service des travaux publics');
    // The deadline in French words ("12 mars 2025"), not English.
    expect(receipt.text).toMatch(/avant le : .*\d{1,2} (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre) \d{4}/);
    const code = CODE.exec(receipt.text)![0];

    // The status of that code, asked in French.
    const status = await chat.say(`Où en est ma plainte ${code} ?`, (r) => r.text.includes(code));
    expect(status.lang).toBe('fr');
    expect(status.text).toContain(`Plainte ${code} : reçue et en attente de traitement`);
    expect(status.text).toContain('Déposée le :');
    expect(status.text).toContain('Prochaine étape :');

    // The code alone, typed again later, stays French (a code never switches the language).
    const again = await chat.say(code, (r) => r.text.includes(code));
    expect(again.lang).toBe('fr');
    expect(again.text).toContain('Prochaine étape :');
    // Asking for staff in French: the citizen is told in French; staff read the chat as it was written, and the
    // console shows the chat's language.
    const queued = await chat.say('Je voudrais parler à un agent svp', (r) => r.text.startsWith('👤'));
    expect(queued.lang).toBe('fr');
    expect(queued.text).toMatch(/Je vous ai transmis|n'est pas en service/);
    chat.ws.terminate();

    const agent = new StaffClient(server.url);
    expect((await agent.signIn('nadia', await server.addStaff('nadia', 'agent'))).status).toBe(200);
    const { body: queue } = await agent.json<{ waiting: { id: string; conversation: string }[] }>('GET', '/console/api/queue');
    // The page's user id is kept as a hash of it; this server has this one web chat.
    const waiting = queue.waiting.find((w) => w.conversation.startsWith('web:'))!;
    expect(waiting, JSON.stringify(queue)).toBeDefined();
    const { body: view } = await agent.json<{ handoff: { lang: string }; transcript: { from: string; text: string; payload?: string }[] }>('GET', `/console/api/conversations/${waiting.id}`);
    expect(view.handoff.lang).toBe('fr');
    const lines = view.transcript.map((l) => `${l.from}: ${l.text}`);
    expect(lines).toContain("citizen: Bonjour, quels papiers faut-il pour un extrait d'état civil ?");
    expect(lines).toContain('citizen: Je voudrais parler à un agent svp');
    expect(lines.some((l) => l.startsWith('bot: 👤 Je vous ai transmis au personnel'))).toBe(true);
    // The anonymous complaint's lines (and the lookups of its code) were not kept, in French chats as in any other.
    expect(lines.join('\n')).not.toContain('Rue Omar Al-Mokhtar');
  }, 120_000);
});
