import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';
import YAML from 'yaml';
import type { Nafidha } from '../../src/app/compose.js';
import { loadContent } from '../../src/content/load.js';
import { Understander } from '../../src/understanding/understand.js';
import { testNafidhaOnTelegram } from '../helpers/nafidha.js';
import { citizen, testKernel } from '../helpers/assistant.js';
import type { BotMessage, Citizen, TelegramEmulator } from '../helpers/telegram-emulator.js';

// French writers are answered in French on Telegram too, and the stable-language rules hold for French: a code, a
// button or one word never switches a chat's language; a French sentence or "français svp" does.
let nafidha: Nafidha;
let emulator: TelegramEmulator;
let product: Awaited<ReturnType<typeof testNafidhaOnTelegram>>;
beforeAll(async () => { product = await testNafidhaOnTelegram('telegram_french'); ({ nafidha, emulator } = product); });
afterAll(async () => { await product?.close(); });

async function answer(c: Citizen, act: () => Promise<void>): Promise<BotMessage[]> {
  const before = emulator.botMessages(c.chatId).length;
  await act();
  await emulator.waitForBotMessages(c.chatId, before + 1);
  return emulator.botMessages(c.chatId).slice(before);
}
const textOf = (m: BotMessage[]) => m.map((x) => x.text).join('\n');

describe('a French-writing citizen on Telegram', () => {
  it('asks for the opening hours in French and reads them in French, and a French thank-you is answered in French', async () => {
    const c = emulator.citizen(3101, 'Rami');
    const reply = await answer(c, () => c.say('Bonjour, quels sont les horaires de la mairie svp ?'));
    const text = textOf(reply);
    expect(text).toContain("Municipalité d'Al-Waha");
    expect(text).toContain('Standard :');
    expect(text).toMatch(/dim\.?, lun\./);
    const menu = await answer(c, () => c.say('merci'));
    expect(textOf(menu)).toContain('Avec plaisir');
  });
});

describe('French notifications', () => {
  it('a French filer is told of a status change and of the resolution in French, on their Telegram chat', async () => {
    const c = emulator.citizen(3102, 'Nour');
    const filed = await nafidha.complaints.fileComplaint({
      category: 'street-lighting', description: 'Le lampadaire de la rue est éteint depuis une semaine', privacy: 'named', name: 'Nour Haddad',
      phone: '0912345678', from: { channel: 'telegram', user: String(c.chatId) }, consentToContact: true, lang: 'fr', messageId: 'fr-notify-1',
    });
    if (!filed.ok) throw new Error('not filed');
    const code = filed.receipt.code;
    const update = await answer(c, async () => { await nafidha.complaints.changeStatus(code, 'in-progress', 'amal', 'Une équipe passera jeudi'); });
    expect(textOf(update)).toContain(`Suivi de votre plainte ${code} : en cours de traitement par le service.`);
    expect(textOf(update)).toContain('Remarque de la municipalité : Une équipe passera jeudi');
    const resolved = await answer(c, async () => { await nafidha.complaints.changeStatus(code, 'resolved', 'amal'); });
    expect(textOf(resolved)).toContain('Le problème est-il vraiment réglé ?');
    expect(resolved.at(-1)!.buttons.map((b) => b.text)).toEqual(["Oui, c'est réglé", "Non, ce n'est pas réglé"]);
  });
});

describe('the reply language of a French chat stays the chat\'s', () => {
  it('a code, a button, one word or a menu command do not switch a French chat', async () => {
    const c = citizen(nafidha.kernel);
    expect((await c.send('Bonjour, je voudrais un certificat de résidence'))[0].lang).toBe('fr');
    for (const word of ['ok', 'C-7KQ2X-M4PR9', '/services', 'شكرا', 'thanks', '1']) {
      const replies = await c.send(word);
      expect(replies.every((r) => r.lang === 'fr'), word).toBe(true);
    }
  });

  it('a French booking asks its questions in French and names days in French', async () => {
    const c = citizen(nafidha.kernel);
    const ask = await c.send("je voudrais prendre rendez-vous pour un extrait d'état civil");
    expect(ask.every((r) => r.lang === 'fr')).toBe(true);
    const text = ask.map((r) => r.text).join('\n');
    expect(text).toMatch(/Où souhaitez-vous votre rendez-vous|Les prochains jours avec des rendez-vous libres/);
    if (text.includes('Où souhaitez-vous')) {
      const days = await c.send(ask.at(-1)!.choices![0].value);
      expect(days.at(-1)!.text).toContain('Les prochains jours avec des rendez-vous libres');
      expect(days.at(-1)!.choices!.map((x) => x.label).join(' ')).toMatch(/lundi|mardi|mercredi|jeudi|dimanche/);
    } else {
      expect(ask.at(-1)!.choices!.map((x) => x.label).join(' ')).toMatch(/lundi|mardi|mercredi|jeudi|dimanche/);
    }
  });

  it('an Arabic chat switches on a French sentence or when French is asked for, and back when Arabic is', async () => {
    const a = citizen(nafidha.kernel);
    expect((await a.send('مرحبا، بدي شهادة سكن'))[0].lang).toBe('ar');
    expect((await a.send('merci'))[0].lang).toBe('ar');
    expect((await a.send("Où se trouve la mairie s'il vous plaît ?"))[0].lang).toBe('fr');

    const b = citizen(nafidha.kernel);
    expect((await b.send('السلام عليكم'))[0].lang).toBe('ar');
    const asked = await b.send('français svp');
    expect(asked[0].lang).toBe('fr');
    expect(asked[0].text).toBe("D'accord, je vous écrirai en français.");
    expect((await b.send('شكرا'))[0].lang).toBe('fr');
    expect((await b.send('بالعربي لو سمحت'))[0].lang).toBe('ar');
    const e = citizen(nafidha.kernel);
    await e.send('hello');
    expect((await e.send('en français'))[0].lang).toBe('fr');
  });

  it('a municipality without French answers French writers in English', async () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nafidha-nofr-'));
    fs.cpSync(path.join(root, 'knowledge'), path.join(dir, 'knowledge'), { recursive: true });
    const file = path.join(dir, 'knowledge', 'municipality.yaml');
    const doc = YAML.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    doc.languages = ['ar', 'en'];
    fs.writeFileSync(file, YAML.stringify(doc));
    const content = loadContent(path.join(dir, 'knowledge'), path.join(root, 'intents'));
    const kernel = testKernel(product.db, { content, understander: new Understander(content) });
    const c = citizen(kernel);
    const first = await c.send('Bonjour, je voudrais un certificat de résidence');
    expect(first[0].lang).toBe('en');
    expect(first[0].text).toContain('Residence certificate');
    const asked = await c.send('français svp');
    expect(asked[0].lang).toBe('en');
  });
});
