import * as core from '@actions/core';
import { Inputs, envInputSource } from './inputs.js';
import type { Logger } from './logger.js';
import { mayHoldCommand, withCommandsStopped } from './workflow-commands.js';

/**
 * The Logger interface over @actions/core's workflow commands. Every message may carry upstream
 * text (diffs, response bodies, server messages, manifest content): `info` prints it with workflow
 * commands stopped whenever it could hold one; the other levels are commands themselves, whose
 * data @actions/core escapes (%, CR, LF), so their text cannot start a line of its own.
 */
export const coreLogger: Logger = {
  debug: (message) => core.debug(message),
  info: (message) => core.info(mayHoldCommand(message) ? withCommandsStopped(message) : message),
  warning: (message) => core.warning(message),
  error: (message) => core.error(message),
  group: (name, fn) => core.group(name, fn),
};

/** The action's inputs, read from the runner's INPUT_* variables; secrets masked with ::add-mask::. */
export function actionInputs(env: NodeJS.ProcessEnv = process.env): Inputs {
  return new Inputs(envInputSource(env, (secret) => core.setSecret(secret)));
}

export function maskSecret(value: string): void {
  if (value) core.setSecret(value);
}

export type OutputValue = string | number | boolean | null | undefined | object;

/** Writes every output; objects as JSON, undefined and null as the empty string. */
export function setOutputs(outputs: Record<string, OutputValue>): void {
  for (const [name, value] of Object.entries(outputs)) {
    core.setOutput(name, formatOutput(value));
  }
}

export function formatOutput(value: OutputValue): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Appends markdown to the job summary; outside a runner (no summary file) it is only logged. */
export async function writeSummary(markdown: string, logger: Logger = coreLogger): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) {
    logger.debug('GITHUB_STEP_SUMMARY is not set; the job summary is not written');
    return;
  }
  try {
    await core.summary.addRaw(markdown, true).write();
  } catch (error) {
    logger.warning(`Could not write the job summary: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function isDebug(env: NodeJS.ProcessEnv = process.env): boolean {
  return core.isDebug() || env.ACTIONS_STEP_DEBUG === 'true';
}
