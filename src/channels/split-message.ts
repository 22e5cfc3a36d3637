/**
 * Splits a reply into messages of at most `limit` UTF-16 units (Telegram and WhatsApp count this way, or more leniently).
 * Breaks fall between lines, so a list item stays whole; a single line longer than the limit is broken between words,
 * and only a "word" longer than the limit itself is cut.
 */
export function splitMessage(text: string, limit: number): string[] {
  if (text.length <= limit) return [text];
  const chunks: string[] = [];
  let current = '';
  const flush = () => {
    const done = current.replace(/\s+$/, '');
    if (done) chunks.push(done);
    current = '';
  };
  for (const line of text.split('\n')) {
    if (!current && !line.trim()) continue; // no message starts with blank lines
    const joined = current ? `${current}\n${line}` : line;
    if (joined.length <= limit) {
      current = joined;
      continue;
    }
    flush();
    if (line.length <= limit) {
      current = line.trim() ? line : '';
      continue;
    }
    const pieces = splitLine(line, limit);
    current = pieces.pop() ?? '';
    chunks.push(...pieces);
  }
  flush();
  return chunks;
}

function splitLine(line: string, limit: number): string[] {
  const pieces: string[] = [];
  let current = '';
  for (const token of line.split(/(\s+)/)) {
    if ((current + token).length <= limit) {
      current += token;
      continue;
    }
    if (current.trim()) pieces.push(current.trimEnd());
    current = /^\s+$/.test(token) ? '' : token;
    while (current.length > limit) {
      const cut = cutAt(current, limit);
      pieces.push(current.slice(0, cut));
      current = current.slice(cut);
    }
  }
  if (current.trim()) pieces.push(current.trimEnd());
  return pieces;
}

/** The largest cut position ≤ limit that does not split a surrogate pair. */
function cutAt(s: string, limit: number): number {
  const code = s.charCodeAt(limit - 1);
  return code >= 0xd800 && code <= 0xdbff ? limit - 1 : limit;
}
