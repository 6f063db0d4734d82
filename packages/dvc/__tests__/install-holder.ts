// Run as its own process by install-lock.test.ts: installs DVC into argv[2] (a tool cache) with
// pip pointed at argv[3]. Its log lines go to stdout, so the test knows when it holds the lock.
import { consoleLogger } from '@mlops-actions/action-kit/logger';
import { testDeadline } from '../../../test/helpers/deadline.js';
import { installDvc } from '../src/install.js';

const [toolCache, indexUrl] = process.argv.slice(2) as [string, string];
await installDvc({
  python: 'python3',
  dvcVersion: '3.67.1',
  extras: [],
  toolCache,
  env: { ...process.env, PIP_INDEX_URL: indexUrl, PIP_FIND_LINKS: '' },
  logger: consoleLogger({ stream: process.stdout }),
  deadline: testDeadline(),
});
