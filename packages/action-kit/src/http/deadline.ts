/**
 * The moment after which a step may send nothing more, and what it is called in messages. Every
 * HttpClient is built with one, so no request of an action can outlive its step's timeout.
 */
export class Deadline {
  private constructor(
    /** Epoch milliseconds. */
    readonly at: number,
    /** How messages name it, e.g. "the step's timeout (4s)". */
    readonly what: string,
  ) {}

  /** `ms` from `now`; `what` names it in messages. */
  static after(ms: number, what: string, now: number = Date.now()): Deadline {
    return new Deadline(now + ms, what);
  }

  remaining(now: number = Date.now()): number {
    return this.at - now;
  }

  passed(now: number = Date.now()): boolean {
    return this.remaining(now) <= 0;
  }

  /** Aborts when the deadline passes; for streams and requests made outside HttpClient. */
  signal(now: number = Date.now()): AbortSignal {
    return AbortSignal.timeout(Math.max(1, this.remaining(now)));
  }
}
