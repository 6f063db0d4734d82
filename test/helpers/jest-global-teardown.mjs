// Jest's globalTeardown, and scripts/test.sh's last step after jest (which may have crashed):
// ends whatever the run's tests left running, and names it (test/helpers/test-run.ts).
//   node test/helpers/jest-global-teardown.mjs   (with MLOPS_TEST_RUN set)
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';

export default async function globalTeardown() {
  const { endRun } = await tsImport('./test-run.ts', import.meta.url);
  await endRun();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await globalTeardown();
