/**
 * WhatsApp's customer-service window: a business may write freely to a citizen for 24 hours after the
 * citizen's last message; after that only an approved template may be sent. The port stores the last inbound time.
 */
export interface CustomerServiceWindows {
  touch(user: string, at: Date): Promise<void>;
  lastInbound(user: string): Promise<Date | undefined>;
}

export const WINDOW_MS = 24 * 60 * 60 * 1000;
// A message queued a moment before the window closes may arrive after it: keep a margin.
const MARGIN_MS = 5 * 60 * 1000;

export function insideWindow(lastInbound: Date | undefined, now = new Date()): boolean {
  return !!lastInbound && now.getTime() - lastInbound.getTime() < WINDOW_MS - MARGIN_MS;
}
