import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readRepoConfig } from '../src/config.js';
import { planPush } from '../src/plan.js';
import { dvc, makeRepo, type DvcRepo } from '../../../test/dvc/fixtures.js';

describe('planPush (metafiles written by the real DVC)', () => {
  let repo: DvcRepo;
  beforeAll(() => {
    repo = makeRepo();
  });
  afterAll(() => repo.cleanup());
  const plan = (targets: string[] = []) =>
    planPush(repo.root, readRepoConfig(join(repo.root, '.dvc')), 'local', targets);

  it('lists every file, directory outputs expanded from their .dir manifest, with md5 and size', () => {
    const { objects, unlistable, remotes } = plan();
    expect(objects.map((o) => [o.path, o.manifest, o.size])).toEqual([
      ['data/a.txt', false, 6],
      ['data/b.bin', false, 3000],
      ['data/images/', true, null],
      ['data/images/deep/three.txt', false, 18],
      ['data/images/one.txt', false, 4],
      ['data/images/two.txt', false, 8],
    ]);
    expect(objects.every((o) => o.inLocalCache && !o.legacy && o.remote === 'local')).toBe(true);
    expect(objects[0]!.cachePath).toContain(join('.dvc', 'cache', 'files', 'md5'));
    expect(unlistable).toEqual([]);
    expect(remotes).toEqual(['local']);
  });

  it('selects targets: a file, a .dvc file, a folder, and a path inside a tracked directory', () => {
    expect(plan(['data/a.txt']).objects.map((o) => o.path)).toEqual(['data/a.txt']);
    expect(plan(['data/b.bin.dvc']).objects.map((o) => o.path)).toEqual(['data/b.bin']);
    expect(plan(['./data/']).objects).toHaveLength(6);
    expect(plan(['data/images/deep']).objects.map((o) => o.path)).toEqual([
      'data/images/',
      'data/images/deep/three.txt',
    ]);
  });

  it('refuses a target DVC does not track', () => {
    expect(() => plan(['nope.txt'])).toThrow("Target 'nope.txt' is not tracked by DVC");
  });

  it('reads dvc.lock stage outputs, honours push: false and per-output remotes, and spots legacy hashes', () => {
    const root = repo.root;
    writeFileSync(
      join(root, 'dvc.lock'),
      `schema: '2.0'\nstages:\n  train:\n    cmd: python train.py\n    outs:\n    - path: model.pkl\n      hash: md5\n      md5: 0123456789abcdef0123456789abcdef\n      size: 10\n      remote: backup\n    - path: metrics.json\n      hash: md5\n      md5: fedcba9876543210fedcba9876543210\n      size: 2\n      push: false\n`,
    );
    mkdirSync(join(root, 'old'));
    writeFileSync(
      join(root, 'old', 'v2.csv.dvc'),
      `outs:\n- md5: aaaabbbbccccddddeeeeffff00001111\n  size: 5\n  path: v2.csv\n`,
    );
    try {
      const all = plan();
      const model = all.objects.find((o) => o.path === 'model.pkl')!;
      expect(model).toMatchObject({ remote: 'backup', legacy: false, inLocalCache: false, size: 10 });
      expect(all.objects.find((o) => o.path === 'metrics.json')).toBeUndefined();
      const legacy = all.objects.find((o) => o.path === 'old/v2.csv')!;
      expect(legacy.legacy).toBe(true);
      expect(legacy.cachePath).toBe(join(root, '.dvc', 'cache', 'aa', 'aabbbbccccddddeeeeffff00001111'));
      expect(all.remotes).toEqual(['backup', 'local']);
      expect(plan(['train']).objects.map((o) => o.path)).toEqual(['model.pkl']);
      expect(plan(['dvc.yaml:train']).objects.map((o) => o.path)).toEqual(['model.pkl']);
    } finally {
      rmSync(join(root, 'dvc.lock'));
      rmSync(join(root, 'old'), { recursive: true });
    }
  });
  it("leaves out a stage's cache: false and push: false outputs, which dvc.yaml declares and dvc.lock does not repeat", () => {
    const { root } = makeRepo({ files: {} });
    try {
      writeFileSync(
        join(root, 'dvc.yaml'),
        [
          'stages:',
          '  train:',
          '    cmd: echo model > model.pkl && echo {} > metrics.json && echo x > scratch.bin && echo p > plot.csv',
          '    outs:',
          '      - model.pkl',
          '      - scratch.bin:',
          '          push: false',
          '    metrics:',
          '      - metrics.json:',
          '          cache: false',
          '    plots:',
          '      - plot.csv',
          '',
        ].join('\n'),
      );
      dvc(root, ['repro', '-q']);
      const planned = planPush(root, readRepoConfig(join(root, '.dvc')), 'local', []);
      expect(planned.objects.map((o) => o.path)).toEqual(['model.pkl', 'plot.csv']);
    } finally {
      rmSync(join(root, '..'), { recursive: true, force: true });
    }
  });
});
