/**
 * Deadlines in tests come from the work they wait for, sized for an idle machine; on a loaded or slow
 * machine every one of them stretches by the same documented factor (see CONTRIBUTING.md).
 */
export const TIMEOUT_FACTOR_VARIABLE = 'MLOPS_TEST_TIMEOUT_FACTOR';

/** The factor from the environment: a positive number, 1 when unset or empty. */
export function timeoutFactor(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[TIMEOUT_FACTOR_VARIABLE]?.trim();
  if (!raw) return 1;
  const factor = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN;
  if (!(factor > 0)) {
    throw new Error(
      `${TIMEOUT_FACTOR_VARIABLE} must be a positive number such as 1, 2 or 2.5; got ${JSON.stringify(raw)}`,
    );
  }
  return factor;
}

/** `ms` stretched by MLOPS_TEST_TIMEOUT_FACTOR (default 1), in whole milliseconds. */
export function scaled(ms: number): number {
  return Math.ceil(ms * timeoutFactor());
}
