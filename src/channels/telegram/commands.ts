import type { BotCommand } from 'telegraf/types';
import type { Lang } from '../../text/language.js';

/** The command menu Telegram shows next to the text box, per app language (the first is the default). */
export type CommandMenu = Record<Lang, BotCommand[]>;

// Commands reach the core as text ("/status"), which understands them on every channel.
export const DEFAULT_COMMANDS: CommandMenu = {
  ar: [
    { command: 'start', description: 'ابدأ المحادثة' },
    { command: 'menu', description: 'القائمة الرئيسية' },
    { command: 'status', description: 'متابعة طلب أو شكوى' },
    { command: 'complaint', description: 'تقديم شكوى' },
    { command: 'agent', description: 'التحدث إلى موظف' },
    { command: 'lang', description: 'تغيير اللغة' },
    { command: 'help', description: 'المساعدة' },
  ],
  en: [
    { command: 'start', description: 'Start the conversation' },
    { command: 'menu', description: 'Main menu' },
    { command: 'status', description: 'Track an application or complaint' },
    { command: 'complaint', description: 'File a complaint' },
    { command: 'agent', description: 'Talk to a staff member' },
    { command: 'lang', description: 'Change language' },
    { command: 'help', description: 'Help' },
  ],
};

/** "/status@NafidhaBot 123" → "/status 123": the core need not know the bot's username. */
export function normaliseCommand(text: string): string {
  return text.replace(/^(\/[A-Za-z0-9_]+)@[A-Za-z0-9_]+/, '$1');
}
