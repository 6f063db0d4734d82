import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { GitSource } from '../fakes/argocd/git.js';

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'pipeline',
  GIT_AUTHOR_EMAIL: 'pipeline@localhost',
  GIT_COMMITTER_NAME: 'pipeline',
  GIT_COMMITTER_EMAIL: 'pipeline@localhost',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_TERMINAL_PROMPT: '0',
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    env: { ...process.env, ...GIT_ENV },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

function tryGit(cwd: string, ...args: string[]): string | undefined {
  try {
    return git(cwd, ...args);
  } catch {
    return undefined;
  }
}

/** The InferenceService the pipeline deploys, before its first model. */
export function inferenceServiceManifest(name: string, namespace: string, storageUri: string): string {
  return [
    'apiVersion: serving.kserve.io/v1beta1',
    'kind: InferenceService',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${namespace}`,
    'spec:',
    '  predictor:',
    '    model:',
    '      modelFormat:',
    '        name: sklearn',
    '      protocolVersion: v2',
    `      storageUri: ${storageUri}`,
    '',
  ].join('\n');
}

export interface GitOpsRepo {
  /** The bare repository: the remote everybody pushes to and Argo CD reads. */
  bare: string;
  /** The repoURL the Argo CD application names. */
  url: string;
  branch: string;
  /** A fresh clone, the checkout bump-kserve-image's git method commits in. */
  clone(): string;
  head(): string;
  /** The file at a commit, or undefined when the commit or the file is unknown. */
  show(sha: string, path: string): string | undefined;
  remove(): void;
}

/** A bare Git repository seeded with one commit holding `files` on `branch`. */
export function createGitOpsRepo(files: Record<string, string>, branch = 'main'): GitOpsRepo {
  const base = mkdtempSync(join(tmpdir(), 'gitops-'));
  const bare = join(base, 'gitops.git');
  git(base, 'init', '-q', '--bare', `--initial-branch=${branch}`, bare);
  const seed = join(base, 'seed');
  git(base, 'clone', '-q', bare, seed);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(seed, path)), { recursive: true });
    writeFileSync(join(seed, path), text);
  }
  git(seed, 'checkout', '-q', '-b', branch);
  git(seed, 'add', '-A');
  git(seed, 'commit', '-q', '-m', 'Initial GitOps state');
  git(seed, 'push', '-q', 'origin', branch);
  rmSync(seed, { recursive: true, force: true });
  let clones = 0;
  return {
    bare,
    url: `file://${bare}`,
    branch,
    clone() {
      const path = join(base, `checkout-${++clones}`);
      git(base, 'clone', '-q', '--branch', branch, bare, path);
      git(path, 'config', 'user.name', GIT_ENV.GIT_AUTHOR_NAME);
      git(path, 'config', 'user.email', GIT_ENV.GIT_AUTHOR_EMAIL);
      return path;
    },
    head: () => git(bare, 'rev-parse', `refs/heads/${branch}`),
    show: (sha, path) => tryGit(bare, 'show', `${sha}:${path}`),
    remove: () => rmSync(base, { recursive: true, force: true }),
  };
}

/**
 * The simulator's Git side over a real bare repository: branch heads with rev-parse, the
 * rendered state of an app as the tree id of its path (equal trees mean nothing changed), and
 * GitHub compare semantics from the commit graph.
 */
export class BareRepoGit implements GitSource {
  constructor(
    private readonly repo: GitOpsRepo,
    private readonly appPath: string,
  ) {}

  resolve(repoURL: string, revision: string): string | undefined {
    if (repoURL !== this.repo.url) return undefined;
    const wanted = revision === '' || revision === 'HEAD' ? this.repo.branch : revision;
    if (/^[0-9a-f]{40}$/.test(wanted))
      return tryGit(this.repo.bare, 'rev-parse', '--verify', '-q', `${wanted}^{commit}`);
    return tryGit(this.repo.bare, 'rev-parse', '--verify', '-q', `refs/heads/${wanted}`);
  }

  manifests(repoURL: string, sha: string): string | undefined {
    if (repoURL !== this.repo.url || !sha) return undefined;
    return tryGit(this.repo.bare, 'rev-parse', '--verify', '-q', `${sha}:${this.appPath}`);
  }

  compare(base: string, head: string) {
    const known = (sha: string) => tryGit(this.repo.bare, 'cat-file', '-e', `${sha}^{commit}`) !== undefined;
    if (!known(base) || !known(head)) return undefined;
    const counts = git(this.repo.bare, 'rev-list', '--left-right', '--count', `${base}...${head}`).split(/\s+/);
    const behindBy = Number(counts[0]);
    const aheadBy = Number(counts[1]);
    const status =
      aheadBy === 0 && behindBy === 0
        ? ('identical' as const)
        : behindBy === 0
          ? ('ahead' as const)
          : aheadBy === 0
            ? ('behind' as const)
            : ('diverged' as const);
    return { status, aheadBy, behindBy };
  }
}
