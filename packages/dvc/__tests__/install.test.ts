import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { memoryLogger } from '@mlops-actions/action-kit/logger';
import { installDvc, installationKey, probePython, type InstallCache } from '../src/install.js';
import { freePort } from '../../../test/helpers/service.js';
import { testDeadline } from '../../../test/helpers/deadline.js';

const python = { version: '3.11.7', implementation: 'cpython', platform: 'linux-x86_64', basePrefix: '/opt/py' };

function recordingCache(restored: boolean): InstallCache & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    restore: async (dir, key) => {
      calls.push(`restore ${key}`);
      return restored;
    },
    save: async (dir, key) => {
      calls.push(`save ${key}`);
    },
  };
}

describe('the DVC installation', () => {
  it('is keyed by DVC version, extras, Python version, platform and interpreter', () => {
    const { key, variant } = installationKey('3.67.1', ['gs', 's3'], python);
    expect(key).toMatch(/^dvc-3\.67\.1-gs\+s3-cpython3\.11\.7-linux-x86_64-[0-9a-f]{8}$/);
    expect(variant).toBe(key.replace('dvc-3.67.1-', ''));
    expect(installationKey('3.67.1', [], python).key).toContain('-base-');
    expect(installationKey('3.67.1', [], { ...python, basePrefix: '/other' }).key).not.toBe(
      installationKey('3.67.1', [], python).key,
    );
  });

  it('names a missing or too old interpreter', async () => {
    await expect(probePython('/no/such/python3', process.env)).rejects.toThrow(
      "Python interpreter '/no/such/python3' was not found: set the 'python' input",
    );
    await expect(probePython('python3', process.env)).resolves.toMatchObject({
      version: expect.stringMatching(/^3\./),
    });
  });

  it('asks the cross-job cache before pip, and saves nothing when the install fails', async () => {
    const toolCache = mkdtempSync(join(tmpdir(), 'tool-cache-'));
    const cache = recordingCache(false);
    try {
      const closedIndex = `http://127.0.0.1:${await freePort()}/simple`;
      await expect(
        installDvc({
          python: 'python3',
          dvcVersion: '3.67.1',
          extras: [],
          toolCache,
          env: { ...process.env, PIP_INDEX_URL: closedIndex, PIP_FIND_LINKS: '', PIP_RETRIES: '0' },
          logger: memoryLogger(),
          deadline: testDeadline(),
          cache,
        }),
      ).rejects.toThrow(/^pip install dvc==3\.67\.1 failed/);
      expect(cache.calls).toEqual([expect.stringMatching(/^restore dvc-3\.67\.1-base-/)]);
    } finally {
      rmSync(toolCache, { recursive: true, force: true });
    }
  });
});
