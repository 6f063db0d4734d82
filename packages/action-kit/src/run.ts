import * as core from '@actions/core';
import { isDebug } from './core-adapter.js';
import { errorMessage } from './errors.js';

/**
 * The entry of every action: runs `main` and turns anything it throws into a failed step with a
 * clean message; the stack is printed only with step debug logging on.
 */
export async function runAction(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    core.setFailed(errorMessage(error));
    if (isDebug() && error instanceof Error && error.stack) core.debug(error.stack);
  }
}
