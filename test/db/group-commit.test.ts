import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../src/db/group-commit.js';

/** A fake store whose writes finish only when the test says so. */
function store(failOn: (items: string[]) => boolean = () => false) {
  const stored: string[] = [];
  const commands: string[][] = [];
  const pending: Array<() => void> = [];
  const write = (items: string[]) => new Promise<void>((resolve, reject) => {
    commands.push(items);
    pending.push(() => { if (failOn(items)) reject(new Error(`refused ${items.join(',')}`)); else { stored.push(...items); resolve(); } });
  });
  const finishAll = async () => { while (pending.length) { pending.shift()!(); await new Promise((r) => setImmediate(r)); } };
  return { stored, commands, finishAll, commit: new GroupCommit<string>((items) => write(items), (item) => write([item])) };
}

describe('group commit of writes from many chats', () => {
  it('sends a lone write at once, and writes arriving meanwhile together in the next command', async () => {
    const s = store();
    const first = s.commit.write('a');
    expect(s.commands).toEqual([['a']]);
    const later = [s.commit.write('b'), s.commit.write('c'), s.commit.write('d')];
    expect(s.commands).toHaveLength(1);
    await s.finishAll();
    await Promise.all([first, ...later]);
    expect(s.commands).toEqual([['a'], ['b', 'c', 'd']]);
  });

  it('acknowledges nothing before it is stored', async () => {
    const s = store();
    let done = false;
    void s.commit.write('a').then(() => { done = true; });
    await new Promise((r) => setImmediate(r));
    expect(done).toBe(false);
    await s.finishAll();
    expect(done).toBe(true);
    expect(s.stored).toEqual(['a']);
  });

  it('fails only the caller whose item the database refuses, after retrying each item alone', async () => {
    const s = store((items) => items.includes('bad'));
    void s.commit.write('a');
    const results = Promise.allSettled([s.commit.write('b'), s.commit.write('bad'), s.commit.write('c')]);
    await s.finishAll();
    expect((await results).map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(s.stored.sort()).toEqual(['a', 'b', 'c']);
  });
});
