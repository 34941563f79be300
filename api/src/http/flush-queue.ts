// One line of waiting writers, served a slice at a time. Hundreds of event streams of one
// store get each event at once; writing all their sockets in one pass held the event loop
// for up to 80 ms on a busy 2-core node (a loopback write costs the sender the receiver's
// work too), and nothing that arrived meanwhile could be read. Between slices the loop reads
// what came in, and a writer still waiting its turn sends it in the same write: under load
// the writes grow instead of the line.
export type Flush = () => void;

export interface FlushQueueOptions {
  /** Writers served before the loop is given back. */
  slice?: number;
  schedule?: (run: () => void) => void;
}

export class FlushQueue {
  /** In order of arrival; a writer already waiting keeps its place when more comes for it. */
  private readonly waiting = new Set<Flush>();
  private scheduled = false;
  private readonly slice: number;
  private readonly schedule: (run: () => void) => void;

  constructor({ slice = 20, schedule = (run) => setImmediate(run) }: FlushQueueOptions = {}) {
    this.slice = slice;
    this.schedule = schedule;
  }

  add(flush: Flush): void {
    this.waiting.add(flush);
    if (!this.scheduled) {
      this.scheduled = true;
      this.schedule(this.run);
    }
  }

  delete(flush: Flush): void {
    this.waiting.delete(flush);
  }

  get size(): number {
    return this.waiting.size;
  }

  private readonly run = () => {
    let served = 0;
    for (const flush of this.waiting) {
      if (served++ === this.slice) break;
      this.waiting.delete(flush);
      flush();
    }
    this.scheduled = this.waiting.size > 0;
    if (this.scheduled) this.schedule(this.run);
  };
}

/** The process's line: every event stream shares it, so slices are fair across all of them. */
export const sharedFlushQueue = new FlushQueue();
