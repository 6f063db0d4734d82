import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { BumpTarget } from '../src/index.js';

const IDENTITY = {
  GIT_AUTHOR_NAME: 'seed',
  GIT_AUTHOR_EMAIL: 'seed@example.com',
  GIT_COMMITTER_NAME: 'seed',
  GIT_COMMITTER_EMAIL: 'seed@example.com',
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: { ...process.env, ...IDENTITY }, encoding: 'utf8' }).trim();
}

/** A bare "remote" seeded with the given files on main, and a way to clone it. */
export class LocalRemote {
  readonly root = mkdtempSync(join(tmpdir(), 'gitops-git-'));
  readonly bare = join(this.root, 'origin.git');
  private clones = 0;

  constructor(files: Record<string, string>) {
    git(this.root, 'init', '--quiet', '--bare', '-b', 'main', this.bare);
    const seed = join(this.root, 'seed');
    git(this.root, 'init', '--quiet', '-b', 'main', seed);
    git(seed, 'remote', 'add', 'origin', this.bare);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(seed, path)), { recursive: true });
      writeFileSync(join(seed, path), text);
    }
    git(seed, 'add', '-A');
    git(seed, 'commit', '--quiet', '-m', 'seed');
    git(seed, 'push', '--quiet', 'origin', 'main');
  }

  clone(): string {
    const dir = join(this.root, `clone-${this.clones++}`);
    git(this.root, 'clone', '--quiet', this.bare, dir);
    return dir;
  }

  head(branch = 'main'): string {
    return git(this.bare, 'rev-parse', `refs/heads/${branch}`);
  }

  show(path: string, ref = 'main'): string {
    return execFileSync('git', ['show', `${ref}:${path}`], { cwd: this.bare, encoding: 'utf8' });
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** The predictor of the InferenceService `name`, looked for in every YAML file. */
export function predictorOf(name: string): BumpTarget {
  return {
    kind: 'inference-service',
    name,
    component: 'predictor',
    container: 'kserve-container',
    files: ['**/*.yaml'],
  };
}
