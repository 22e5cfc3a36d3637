/**
 * Errors after which the database wrote nothing and the same write may simply be sent again.
 *
 * Why: FerretDB's SQLite backend answers "database is locked (SQLITE_BUSY)" when a write waited past SQLite's
 * busy timeout (seen in CI with 40 citizens racing for one slot on two servers); MongoDB labels its own
 * transient failures. Every write retried here is keyed (a unique _id or retry key), so a repeat never doubles.
 */
export function isTransient(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { message?: unknown; errorLabels?: unknown; errorLabelSet?: unknown; code?: unknown };
  if (typeof e.message === 'string' && /SQLITE_BUSY|database is locked/i.test(e.message)) return true;
  const labels = e.errorLabelSet instanceof Set ? [...e.errorLabelSet] : Array.isArray(e.errorLabels) ? e.errorLabels : [];
  return labels.includes('TransientTransactionError') || labels.includes('RetryableWriteError') || e.code === 112;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `write`, sending it again (with a short, growing, jittered pause) while it fails transiently. */
export async function retryTransient<T>(write: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (attempt >= attempts || !isTransient(err)) throw err;
      await sleep(attempt * 20 + Math.random() * 30);
    }
  }
}
