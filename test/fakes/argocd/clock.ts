/**
 * Simulated time for the Argo CD simulator: real elapsed time times `scale`, plus any manual
 * `advance`. A 180 s Git polling interval at scale 100 passes in 1.8 real seconds.
 */
export class SimClock {
  private readonly realStart = Date.now();
  private readonly simStart: number;
  private offset = 0;

  constructor(
    readonly scale = 1,
    start = Date.parse('2026-01-01T00:00:00Z'),
  ) {
    this.simStart = start;
  }

  now(): number {
    return this.simStart + (Date.now() - this.realStart) * this.scale + this.offset;
  }

  /** Jumps simulated time forward (the next controller tick sees it). */
  advance(ms: number): void {
    this.offset += ms;
  }

  iso(at = this.now()): string {
    // Argo CD timestamps have second precision; keep milliseconds so ordering stays exact.
    return new Date(at).toISOString();
  }

  /** Real milliseconds that correspond to `simMs`. */
  toReal(simMs: number): number {
    return simMs / this.scale;
  }
}
