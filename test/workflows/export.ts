import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot } from '../helpers/paths.js';

/** The name consumers give this repository; the example's callers use it, and the export answers to it. */
export const SELF_REPOSITORY = 'your-org/mlops-actions';
export const SELF_REF = 'v1';

/**
 * act v0.2.89 cannot parse the `$/` self-repository syntax: a step's `uses:` must match
 * `{org}/{repo}[/path]@ref` (newRemoteAction, pkg/runner/step_action_remote.go) and a job's must be
 * `./…` or `owner/repo/…@ref` (Job.Type, pkg/model/workflow.go); nektos/act#6189. The export
 * therefore says `your-org/mlops-actions/X@v1` where the committed workflows say `$/X`, and the
 * run resolves that name to the export with --local-repository. The committed files keep `$/`.
 */
export function rewriteSelfReferences(text: string): string {
  return text.replace(/^(\s*(?:-\s+)?uses:\s+)\$\/([^\s#]+)/gm, `$1${SELF_REPOSITORY}/$2@${SELF_REF}`);
}

/** Files git tracks under `paths` (relative to the repository root), read from the working tree. */
function trackedFiles(paths: string[]): string[] {
  const out = execFileSync('git', ['ls-files', '-z', '--', ...paths], { cwd: repoRoot, encoding: 'utf8' });
  return out.split('\0').filter(Boolean);
}

/**
 * A copy of this repository's tracked files under `paths`, as they are in the working tree (so
 * uncommitted edits are what runs), with every workflow's `$/` rewritten. A copy, not the work
 * tree itself: act tars the whole local repository for every step that uses one of its actions
 * (maybeCopyToActionDir -> GetTarArchive, pkg/runner/action.go), and node_modules and .git made
 * that minutes per run.
 */
export function exportSelf(paths: string[] = ['actions', '.github']): string {
  const dest = mkdtempSync(join(tmpdir(), 'mlops-actions-export-'));
  for (const file of trackedFiles(paths)) {
    const target = join(dest, file);
    mkdirSync(dirname(target), { recursive: true });
    if (/^\.github\/workflows\/[^/]+\.ya?ml$/.test(file)) {
      writeFileSync(target, rewriteSelfReferences(readFileSync(join(repoRoot, file), 'utf8')));
    } else {
      copyFileSync(join(repoRoot, file), target);
    }
  }
  return dest;
}

/** Workflows the tests call the reusable workflows with (test/workflows/callers/). */
export const CALLERS_DIR = join(repoRoot, 'test', 'workflows', 'callers');

/**
 * A consumer repository for act's working directory: the tracked files of `path` (e.g.
 * examples/model-repo) as a one-commit git repository, so github.sha and github.ref exist, plus
 * the test callers named in `callers` in its .github/workflows.
 */
export function exportConsumer(path: string, callers: string[] = [], branch = 'main'): { dir: string; sha: string } {
  const dir = mkdtempSync(join(tmpdir(), 'consumer-repo-'));
  for (const file of trackedFiles([path])) {
    const target = join(dir, file.slice(path.length + 1));
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(join(repoRoot, file), target);
  }
  for (const caller of callers) copyFileSync(join(CALLERS_DIR, caller), join(dir, '.github', 'workflows', caller));
  consumerGit(dir, 'init', '-q', `--initial-branch=${branch}`);
  return { dir, sha: commitConsumer(dir, 'consumer repository') };
}

/** Commits everything in a consumer repository (e.g. a scratch change after exportConsumer); returns the new HEAD. */
export function commitConsumer(dir: string, message: string): string {
  consumerGit(dir, 'add', '-A');
  consumerGit(dir, 'commit', '-q', '-m', message);
  return consumerGit(dir, 'rev-parse', 'HEAD');
}

function consumerGit(dir: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'consumer',
      GIT_AUTHOR_EMAIL: 'consumer@localhost',
      GIT_COMMITTER_NAME: 'consumer',
      GIT_COMMITTER_EMAIL: 'consumer@localhost',
      GIT_CONFIG_NOSYSTEM: '1',
    },
  }).trim();
}
