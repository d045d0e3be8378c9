// When a webview view (Cost, Learning) fetches its figures from the host: bursts of changes become
// one fetch, a hidden view fetches nothing until it is shown, and one fetch runs at a time. It
// counts changes rather than keeping a "stale" flag, so a change that lands while a fetch is in
// flight is never mistaken as covered by that fetch (which began before it) — the view catches up
// with a fetch of its own, now if it is shown, or as soon as it is.
// No `vscode` import: the providers wire it to their views, and unit tests drive it directly.

export class RefreshScheduler {
  private timer: NodeJS.Timeout | undefined;
  /** Changes seen so far (starts at 1: nothing has been fetched yet). */
  private wanted = 1;
  /** The change count the newest finished fetch started from. */
  private covered = 0;
  private inFlight: Promise<void> | undefined;
  /** Until a view is attached, fetch in the background so the provider's state is current. */
  private visible = true;
  private disposed = false;

  constructor(private readonly fetch: () => Promise<void>) {}

  /** Is there a change no finished fetch has covered? */
  get stale(): boolean {
    return this.covered < this.wanted;
  }

  /** Something changed: fetch after `delayMs` (later changes ride along), or once the view is shown. */
  changed(delayMs: number): void {
    this.wanted++;
    this.arm(delayMs);
  }

  /** The view was shown or hidden (or its page reloaded): a shown, stale view fetches at once. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible) this.arm(0);
  }

  /** Fetch now, shown or not (after a command that changed what the view shows); resolves when done. */
  async now(): Promise<void> {
    this.wanted++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.run();
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(delayMs: number): void {
    // A pending timer already covers this change: its fetch reads everything up to when it runs.
    if (this.disposed || !this.visible || this.timer || !this.stale) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // `fetch` shows its own failures in the view; nothing is left to report here.
      this.run().catch(() => undefined);
    }, delayMs);
  }

  private async run(): Promise<void> {
    while (this.inFlight) await this.inFlight;
    if (this.disposed || !this.stale) return;
    const target = this.wanted;
    this.inFlight = (async () => {
      try {
        await this.fetch();
      } finally {
        this.covered = Math.max(this.covered, target);
        this.inFlight = undefined;
      }
    })();
    await this.inFlight;
  }
}
