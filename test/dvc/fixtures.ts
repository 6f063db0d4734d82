import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot, venvBin } from '../helpers/paths.js';

/** The DVC CLI of the test stack (dvc[s3], pinned), with telemetry off. */
export const DVC_ENV = { DVC_NO_ANALYTICS: '1', DVC_TEST: 'true' };

/**
 * The tool cache the dvc-push tests share (gitignored): the first test that needs a DVC
 * installation builds it with pip, every later one (in this run and the next) reuses it.
 */
export const TEST_TOOL_CACHE = join(repoRoot, '.cache', 'dvc-tool-cache');

export function stackPython(): string {
  return venvBin('dvc', 'python');
}

export function dvc(cwd: string, args: string[], env: Record<string, string> = {}): string {
  return execFileSync(venvBin('dvc', 'dvc'), args, {
    cwd,
    env: { ...process.env, ...DVC_ENV, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export interface DvcRepo {
  root: string;
  /** A local directory remote, configured as the default remote `local` unless `remote: false`. */
  remoteDir: string;
  cleanup(): void;
}

/**
 * A DVC repository (no git) tracking `data/a.txt`, `data/b.bin` (`.dvc` each) and the directory
 * `data/images` (three files, one in a subfolder), all added with the real DVC.
 */
export function makeRepo(options: { remote?: boolean; files?: Record<string, string | Buffer> } = {}): DvcRepo {
  const base = mkdtempSync(join(tmpdir(), 'dvc-repo-'));
  const root = join(base, 'repo');
  const remoteDir = join(base, 'remote');
  mkdirSync(root);
  mkdirSync(remoteDir);
  dvc(root, ['init', '--no-scm', '-q']);
  const files = options.files ?? {
    'data/a.txt': 'alpha\n',
    'data/b.bin': Buffer.alloc(3000, 7),
    'data/images/one.txt': 'one\n',
    'data/images/two.txt': 'two two\n',
    'data/images/deep/three.txt': 'three three three\n',
  };
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  if (!options.files) dvc(root, ['add', '-q', 'data/a.txt', 'data/b.bin', 'data/images']);
  if (options.remote !== false) dvc(root, ['remote', 'add', '-q', '-d', 'local', remoteDir]);
  return { root, remoteDir, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}
