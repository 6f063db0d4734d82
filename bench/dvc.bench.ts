// dvc-push: the action's push (the bundle, run as the runner runs it, with a warm tool cache)
// against a raw `dvc push` of the same data to the same moto S3 server, in the same run; and
// the DVC installation cold (pip) against cached. Loopback only; 2 rounds of each push.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../packages/action-kit/src/logger.js';
import { updateLocalConfig } from '../packages/dvc/src/config.js';
import { installDvc } from '../packages/dvc/src/install.js';
import { testDeadline } from '../test/helpers/deadline.js';
import { DVC_ENV, TEST_TOOL_CACHE, dvc, makeRepo } from '../test/dvc/fixtures.js';
import { MOTO_CREDENTIALS, startMoto } from '../test/helpers/moto.js';
import { runAction } from '../test/helpers/run-action.js';
import { median, round, timeAsync, type Figure } from './lib.js';

const FILES = 200;
const TOTAL_BYTES = 50 * 1024 * 1024;
const ROUNDS = 2;

export default async function dvcBench(): Promise<Figure[]> {
  const moto = await startMoto();
  const repo = makeRepo({ remote: false, files: {} });
  const awsEnv = { ...MOTO_CREDENTIALS, AWS_EC2_METADATA_DISABLED: 'true' };
  try {
    mkdirSync(join(repo.root, 'data'));
    for (let i = 0; i < FILES; i++)
      writeFileSync(join(repo.root, 'data', `part-${i}.bin`), randomBytes(TOTAL_BYTES / FILES));
    dvc(repo.root, ['add', '-q', 'data']);
    const warm = await installDvc({
      python: 'python3',
      dvcVersion: '3.67.1',
      extras: ['s3'],
      toolCache: TEST_TOOL_CACHE,
      env: process.env,
      logger: silentLogger,
      deadline: testDeadline(),
    });

    const raw: number[] = [];
    const action: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const kind of ['raw', 'action'] as const) {
        const bucket = `${kind}-${round}`;
        // moto takes a plain path-style PUT as CreateBucket.
        const created = await fetch(`${moto.url}/${bucket}`, { method: 'PUT' });
        if (!created.ok) throw new Error(`creating bucket ${bucket} in moto: HTTP ${created.status}`);
        const remote = `r-${bucket}`;
        updateLocalConfig(join(repo.root, '.dvc'), `remote "${remote}"`, {
          url: `s3://${bucket}/store`,
          endpointurl: moto.url,
          region: 'us-east-1',
        });
        if (kind === 'raw') {
          // The same DVC the action installed, so only the action's work differs.
          const { ms, value } = await timeAsync(async () =>
            spawnSync(join(warm.dir, 'bin', 'dvc'), ['push', '-r', remote], {
              cwd: repo.root,
              env: { ...process.env, ...DVC_ENV, ...awsEnv },
              stdio: 'ignore',
            }),
          );
          if (value.status !== 0) throw new Error(`raw dvc push failed with ${value.status}`);
          raw.push(ms);
        } else {
          const result = await runAction('dvc-push', {
            cwd: repo.root,
            inputs: { remote },
            env: { ...awsEnv, RUNNER_TOOL_CACHE: TEST_TOOL_CACHE },
          });
          if (result.exitCode !== 0 || result.outputs['pushed-count'] !== String(FILES)) {
            throw new Error(`the action failed: ${result.errors.join('; ')}`);
          }
          action.push(result.durationMs);
        }
      }
    }

    const coldCache = mkdtempSync(join(tmpdir(), 'bench-tool-cache-'));
    try {
      const install = (toolCache: string) =>
        installDvc({
          python: 'python3',
          dvcVersion: '3.67.1',
          extras: ['s3'],
          toolCache,
          env: process.env,
          logger: silentLogger,
          deadline: testDeadline(),
        });
      const cold = await install(coldCache);
      const cached = await install(coldCache);
      const ready = await timeAsync(async () =>
        spawnSync(cached.python, ['-c', 'import dvc.cli, dvc.repo'], { stdio: 'ignore' }),
      );
      return [
        {
          figure: `dvc-push: push ${FILES} files / ${TOTAL_BYTES / 1024 / 1024} MB to moto S3 (median of ${ROUNDS})`,
          value: median(action),
          unit: 'ms',
          baseline: median(raw),
          baselineLabel: 'raw dvc push',
          goal: 'ratio ≤ 1.15',
          note: 'the action includes node start, the tool-cache lookup, checks before and after',
        },
        {
          figure: 'dvc-push: install DVC (dvc[s3]), cached',
          value: cached.ms + ready.ms,
          unit: 'ms',
          baseline: cold.ms,
          baselineLabel: `cold pip install (${cold.source})`,
          goal: 'cached ≤ 3 s',
          note: `cached = tool-cache lookup ${round(cached.ms)} ms + DVC import ${round(ready.ms)} ms`,
        },
      ];
    } finally {
      rmSync(coldCache, { recursive: true, force: true });
    }
  } finally {
    repo.cleanup();
    await moto.stop();
  }
}
