import { describe, expect, it } from 'vitest';
import { isTransient, retryTransient } from '../../src/db/transient.js';

// The error FerretDB 1.24 sent CI when 40 citizens raced for one slot (copied from its log).
const busy = Object.assign(new Error('[msg_insert.go:168 handler.(*Handler).MsgInsert] [collection.go:135 sqlite.(*collection).InsertAll.func1] database is locked (5) (SQLITE_BUSY)'), { code: 1 });

describe('transient database errors', () => {
  it('knows a locked SQLite database and MongoDB labels from real failures', () => {
    expect(isTransient(busy)).toBe(true);
    expect(isTransient(Object.assign(new Error('x'), { errorLabelSet: new Set(['RetryableWriteError']) }))).toBe(true);
    expect(isTransient(Object.assign(new Error('E11000 duplicate key'), { code: 11000 }))).toBe(false);
    expect(isTransient(new Error('validation failed'))).toBe(false);
  });

  it('sends a write again while the database is locked, and gives up on anything else at once', async () => {
    let calls = 0;
    await expect(retryTransient(async () => { calls++; if (calls < 3) throw busy; return 'stored'; })).resolves.toBe('stored');
    expect(calls).toBe(3);
    calls = 0;
    await expect(retryTransient(async () => { calls++; throw new Error('validation failed'); })).rejects.toThrow('validation');
    expect(calls).toBe(1);
    calls = 0;
    await expect(retryTransient(async () => { calls++; throw busy; }, 3)).rejects.toThrow('SQLITE_BUSY');
    expect(calls).toBe(3);
  });
});
