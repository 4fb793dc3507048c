/**
 * The simulator's clock. Order lifecycles and token expiry follow it, never the wall clock directly, so
 * tests move time forward explicitly (`advance`). In `real` mode it also follows the wall clock, for demos.
 */
export type ClockMode = 'manual' | 'real';

export class SimClock {
  private offsetMs = 0;
  private readonly startedAt: number;

  constructor(
    readonly mode: ClockMode,
    start = Date.now(),
  ) {
    this.startedAt = start;
  }

  now(): number {
    return (this.mode === 'real' ? Date.now() : this.startedAt) + this.offsetMs;
  }

  iso(at = this.now()): string {
    return new Date(at).toISOString();
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
