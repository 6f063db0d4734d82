import { join } from 'node:path';
import { memoryLogger } from '../../packages/action-kit/src/logger.js';
import { readRepoConfig } from '../../packages/dvc/src/config.js';
import { planPush } from '../../packages/dvc/src/plan.js';
import { pushData, type DvcRunner, type PushOptions } from '../../packages/dvc/src/push.js';
import { DvcSession } from '../../packages/dvc/src/session.js';
import { DVC_ENV, stackPython } from './fixtures.js';

/** A push through a real DVC process in `repo`, to `remote` (its URL for display). */
export async function pushWithRealDvc(
  root: string,
  options: Partial<PushOptions> & { env?: Record<string, string>; wrap?: (dvc: DvcRunner) => DvcRunner } = {},
) {
  const logger = memoryLogger();
  const config = readRepoConfig(join(root, '.dvc'));
  const remote = options.remote ?? 'local';
  const plan = planPush(root, config, remote, options.targets ?? []);
  const session = await DvcSession.start({
    python: stackPython(),
    cwd: root,
    env: { ...process.env, ...DVC_ENV, ...options.env },
    logger,
  });
  try {
    const result = await pushData({
      plan,
      remote,
      remoteUrls: { [remote]: config.merged[`remote "${remote}"`]!.url! },
      targets: [],
      retries: 0,
      allowMissingCache: false,
      verify: true,
      dvc: options.wrap ? options.wrap(session) : session,
      logger,
      sleep: async () => {},
      ...options,
    });
    return { result, logs: logger.lines.join('\n') };
  } finally {
    await session.close();
  }
}
