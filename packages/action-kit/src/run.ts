import * as core from '@actions/core';
import { githubHost, isDebug } from './core-adapter.js';
import { errorMessage } from './errors.js';
import type { ActionMain } from './host.js';
import type { ActionSpec } from './spec.js';

/**
 * The entry of every action: runs `main` on the runner's host and turns anything it throws into a
 * failed step with a clean message; the stack is printed only with step debug logging on.
 */
export async function runAction(main: ActionMain, spec: ActionSpec): Promise<void> {
  try {
    await main(githubHost(spec));
  } catch (error) {
    core.setFailed(errorMessage(error));
    if (isDebug() && error instanceof Error && error.stack) core.debug(error.stack);
  }
}
