// Jest loads its global hooks without the test transform; tsx lets them use the TypeScript helpers.
import { tsImport } from 'tsx/esm/api';

/**
 * Runs once before any test file: a bad timeout factor stops the run with one line, not one per
 * file; and the run gets the id its workers inherit and its test processes carry (test-run.ts).
 */
export default async function globalSetup() {
  const { timeoutFactor } = await tsImport('./timeouts.ts', import.meta.url);
  const { currentRunId } = await tsImport('./test-run.ts', import.meta.url);
  try {
    timeoutFactor();
  } catch (error) {
    console.error(`\n${error.message}`);
    process.exit(2);
  }
  currentRunId();
}
