// One line of waiting writers, served a slice at a time. Hundreds of event streams get each
// event at once; writing every socket of the process in one pass would hold the event loop
// without bound (a loopback write costs the sender the receiver's work too: about 90 µs on a
// busy 2-core node), and nothing that arrived meanwhile could be read. Between slices the
// loop reads what came in, and a writer still waiting its turn sends it in the same write:
// under load the writes grow instead of the line.
//
// A slice is 200 writers, one store's audience in P4, so a line reaches all of them in one
// turn. Slices of 20 spread one line over ten turns, and on a busy node each turn could wait
// behind other work. P4 p99 on one node and day (half of the runs taken alternately): with
// slices of 20, 76–305 ms, 5 of 9 runs ≤ 100 ms; with 200, 56–239 ms, 10 of 15 ≤ 100 ms. The
// slowest runs that also measured the node had 10–12 % of its CPU taken by the hypervisor.
// The price: the median line is later (15–20 ms against 8–14 ms), the loop's longest stall
// longer.
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

  constructor({ slice = 200, schedule = (run) => setImmediate(run) }: FlushQueueOptions = {}) {
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
