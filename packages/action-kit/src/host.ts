import type { RunContext } from './context.js';
import type { Inputs } from './inputs.js';
import type { Logger } from './logger.js';
import type { ActionSpec } from './spec.js';

export type OutputValue = string | number | boolean | null | undefined | object;

/**
 * What an action's main needs from wherever it runs: GitHub's runner (action-kit's githubHost)
 * or the CLI. The main reads inputs, calls its domain flow and hands back outputs and a summary.
 */
export interface ActionHost {
  spec: ActionSpec;
  inputs: Inputs;
  logger: Logger;
  context: RunContext;
  /** Registers a derived secret (a credential built from inputs) so it is never printed. */
  mask(secret: string): void;
  setOutputs(outputs: Record<string, OutputValue>): void;
  writeSummary(markdown: string): Promise<void>;
}

export type ActionMain = (host: ActionHost) => Promise<void>;

/** An output as text: objects as JSON, undefined and null as the empty string. */
export function formatOutput(value: OutputValue): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
