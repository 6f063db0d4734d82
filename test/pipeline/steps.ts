import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAction, type ActionResult } from '../helpers/run-action.js';

export type Outcome = 'passed' | 'blocked' | 'failed';

export interface StepRecord {
  round: string;
  step: string;
  outcome: Outcome;
  durationMs: number;
  /** One line: what came out of the step. */
  detail: string;
  /** The step's job summary, relative to the summaries folder. */
  summary?: string;
}

/** Records each step's outcome and duration, and writes each action's job summary to a folder. */
export class StepLog {
  readonly records: StepRecord[] = [];

  constructor(
    private readonly summaries: string,
    private readonly print: (line: string) => void,
  ) {
    mkdirSync(summaries, { recursive: true });
  }

  /** Runs `work`; its result's detail becomes the record's. A thrown error fails the step. */
  async step<T>(round: string, step: string, work: () => Promise<{ value: T; detail: string; outcome?: Outcome }>) {
    const started = Date.now();
    try {
      const { value, detail, outcome = 'passed' } = await work();
      this.add({ round, step, outcome, durationMs: Date.now() - started, detail });
      return value;
    } catch (error) {
      this.add({ round, step, outcome: 'failed', durationMs: Date.now() - started, detail: firstLine(error) });
      throw error;
    }
  }

  /**
   * Runs a bundled action as the runner does and keeps its job summary. A non-zero exit fails
   * the step with the action's own error lines.
   */
  async action(
    round: string,
    step: string,
    action: string,
    options: Parameters<typeof runAction>[1],
    describe: (result: ActionResult) => { detail: string; outcome?: Outcome },
  ): Promise<ActionResult> {
    const started = Date.now();
    const result = await runAction(action, options);
    const summary = `${String(this.records.length + 1).padStart(2, '0')}-${round}-${step}.md`.replace(/[^\w.-]+/g, '-');
    writeFileSync(join(this.summaries, summary), result.summary || `_${action} wrote no job summary._\n`);
    const durationMs = Date.now() - started;
    if (result.exitCode !== 0) {
      const reason =
        result.errors.join('; ') || result.stderr.trim().split('\n').pop() || `exit code ${result.exitCode}`;
      this.add({ round, step, outcome: 'failed', durationMs, detail: reason, summary });
      throw new Error(`${step} (${action}) failed: ${reason}`);
    }
    this.add({ round, step, durationMs, summary, outcome: 'passed', ...describe(result) });
    return result;
  }

  private add(record: StepRecord): void {
    this.records.push(record);
    const seconds = (record.durationMs / 1000).toFixed(1).padStart(5);
    this.print(`[${record.round}] ${record.step}: ${record.outcome} in ${seconds}s ${record.detail}`);
  }
}

export function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}
