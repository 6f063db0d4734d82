import { spawnSync } from 'node:child_process';

/** One measured figure, with the baseline it is compared to when there is one. */
export interface Figure {
  /** What was measured, e.g. "wait-argocd-sync: detection latency (stream)". */
  figure: string;
  value: number;
  unit: string;
  /** The same thing done the plain way, measured in the same run. */
  baseline?: number;
  baselineLabel?: string;
  /** A stated target, for the reader; never asserted. */
  goal?: string;
  note?: string;
}

/** A benchmark module's default export. */
export type Bench = () => Promise<Figure[]>;

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The exact nearest-rank percentile (p in 0..100) over all samples. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** Wall time of one synchronous command, in ms. */
export function timeCommand(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): { ms: number; status: number | null } {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { env, stdio: 'ignore' });
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, status: result.status };
}

export async function timeAsync<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, value };
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
