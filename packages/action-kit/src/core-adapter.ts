import * as core from '@actions/core';
import { githubRunContext } from './context.js';
import { formatOutput, type ActionHost, type OutputValue } from './host.js';
import { Inputs, envInputSource } from './inputs.js';
import type { Logger } from './logger.js';
import type { ActionSpec } from './spec.js';
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

/** The runner's side of an action: INPUT_* variables, ::add-mask::, GITHUB_OUTPUT and the job summary. */
export function githubHost(spec: ActionSpec, env: NodeJS.ProcessEnv = process.env): ActionHost {
  const context = githubRunContext(env);
  return {
    spec,
    context,
    inputs: new Inputs(envInputSource(env, maskSecret), { spec, context }),
    logger: coreLogger,
    mask: maskSecret,
    setOutputs,
    writeSummary: (markdown) => writeSummary(markdown, coreLogger, env),
  };
}

export function maskSecret(value: string): void {
  if (value) core.setSecret(value);
}

/** Writes every output; objects as JSON, undefined and null as the empty string. */
export function setOutputs(outputs: Record<string, OutputValue>): void {
  for (const [name, value] of Object.entries(outputs)) {
    core.setOutput(name, formatOutput(value));
  }
}

/** Appends markdown to the job summary; outside a runner (no summary file) it is only logged. */
export async function writeSummary(
  markdown: string,
  logger: Logger = coreLogger,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  if (!env.GITHUB_STEP_SUMMARY) {
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
