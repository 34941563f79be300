// The flush queue's order and slices, with the loop's turns driven by hand.
import { describe, expect, it } from 'vitest';
import { FlushQueue } from './flush-queue.ts';

function queueWithTurns(slice: number) {
  const turns: Array<() => void> = [];
  const queue = new FlushQueue({ slice, schedule: (run) => turns.push(run) });
  /** Gives the queue one turn of the loop; false when it asked for none. */
  const turn = () => {
    const run = turns.shift();
    run?.();
    return Boolean(run);
  };
  return { queue, turn, turns };
}

describe('FlushQueue', () => {
  it('serves writers in order of arrival, a slice per turn of the loop', () => {
    const { queue, turn } = queueWithTurns(2);
    const served: number[] = [];
    for (const n of [1, 2, 3, 4, 5]) queue.add(() => served.push(n));
    turn();
    expect(served).toEqual([1, 2]);
    turn();
    turn();
    expect(served).toEqual([1, 2, 3, 4, 5]);
    expect(turn()).toBe(false); // nothing waits: no more turns asked for
  });

  it('writes what came for a waiting writer in its one turn, and keeps its place in line', () => {
    const { queue, turn } = queueWithTurns(1);
    const pending = new Map<string, string[]>();
    const writes: string[] = [];
    const flushes = new Map<string, () => void>();
    const send = (viewer: string, text: string) => {
      pending.set(viewer, [...(pending.get(viewer) ?? []), text]);
      let flush = flushes.get(viewer);
      if (!flush) flushes.set(viewer, (flush = () => { writes.push(`${viewer}:${pending.get(viewer)!.join('+')}`); pending.delete(viewer); }));
      queue.add(flush);
    };
    send('a', 'line1');
    send('b', 'line1');
    turn(); // a written; b still waits when line 2 arrives
    send('a', 'line2');
    send('b', 'line2');
    turn();
    turn();
    expect(writes).toEqual(['a:line1', 'b:line1+line2', 'a:line2']);
  });

  it('forgets a writer taken out before its turn', () => {
    const { queue, turn } = queueWithTurns(5);
    const served: string[] = [];
    const gone = () => served.push('gone');
    queue.add(gone);
    queue.add(() => served.push('stays'));
    queue.delete(gone);
    turn();
    expect(served).toEqual(['stays']);
    expect(queue.size).toBe(0);
  });
});
