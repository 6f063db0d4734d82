import { memoryLogger } from '../../packages/action-kit/src/logger.js';
import { dvcPush, type DvcPushDeps, type DvcPushOptions } from '../../packages/dvc/src/flow.js';
import { testDeadline } from '../helpers/deadline.js';
import { DVC_ENV, stackPython } from './fixtures.js';

/**
 * dvc-push's own flow in `root`, with the test stack's DVC instead of an installation, no
 * retries and no backoff wait unless the test says otherwise.
 */
export async function pushWithRealDvc(
  root: string,
  options: Partial<DvcPushOptions> &
    Pick<DvcPushDeps, 'wrap' | 'random' | 'sleep'> & { env?: Record<string, string> } = {},
) {
  const logger = memoryLogger();
  const { env, wrap, random, sleep, ...overrides } = options;
  const python = stackPython();
  const outcome = await dvcPush(
    {
      root,
      dvcVersion: 'stack',
      python,
      remote: 'local',
      targets: [],
      retries: 0,
      allowMissingCache: false,
      verify: true,
      cache: false,
      deadline: testDeadline(),
      ...overrides,
    },
    {
      logger,
      env: { ...process.env, ...DVC_ENV, ...env },
      mask: () => {},
      toolCacheDir: '',
      tempDir: '',
      install: async () => ({ python, dir: '', key: 'test stack', source: 'tool-cache', ms: 0 }),
      wrap,
      random,
      sleep: sleep ?? (async () => {}),
    },
  );
  return { result: outcome.result, logs: logger.lines.join('\n') };
}
