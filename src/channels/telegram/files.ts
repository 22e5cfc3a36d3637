import { readFile } from 'node:fs/promises';
import type { Telegram } from 'telegraf';

// Bots may download files up to 20 MB from the public Bot API.
const MAX_BYTES = 20 * 1024 * 1024;

/** Downloads a file by id: getFile, then the file URL under the API root (a local Bot API server gives a path). */
export function fileDownloader(telegram: Telegram): (fileId: string) => Promise<Buffer> {
  return async (fileId) => {
    const link = await telegram.getFileLink(fileId);
    if (link.protocol === 'file:') return readFile(decodeURIComponent(link.pathname));
    const res = await fetch(link);
    // The URL holds the bot token: it must not appear in an error.
    if (!res.ok) throw new Error(`Telegram file ${fileId} could not be downloaded: HTTP ${res.status}`);
    const size = Number(res.headers.get('content-length') ?? 0);
    if (size > MAX_BYTES) throw new Error(`Telegram file ${fileId} is larger than 20 MB`);
    return Buffer.from(await res.arrayBuffer());
  };
}
