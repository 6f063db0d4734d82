// What a plain `dvc push` of the stack's DVC does where dvc-push is stricter: the claims of
// actions/dvc-push/README.md, run against the real DVC so they cannot drift from it.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { actionDir, venvBin } from '../helpers/paths.js';
import { DVC_ENV, makeRepo, type DvcRepo } from './fixtures.js';

/** The README's prose with line breaks folded, so a claim can be looked up whole. */
const readme = readFileSync(join(actionDir('dvc-push'), 'README.md'), 'utf8').replace(/\s+/g, ' ');

function plainDvc(cwd: string, args: string[]) {
  const run = spawnSync(venvBin('dvc', 'dvc'), args, { cwd, env: { ...process.env, ...DVC_ENV }, encoding: 'utf8' });
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

/** Every object file in a local remote, as `md5/xx/rest` paths. */
function remoteObjects(remote: string): string[] {
  return readdirSync(join(remote), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(remote.length + 1))
    .sort();
}

const repos: DvcRepo[] = [];
afterAll(() => repos.forEach((repo) => repo.cleanup()));
function repo(options: Parameters<typeof makeRepo>[0] = {}): DvcRepo {
  const made = makeRepo(options);
  repos.push(made);
  return made;
}

describe('plain dvc push, as the dvc-push README describes it', () => {
  const version = plainDvc(process.cwd(), ['--version']).output.trim();

  it('the README names the DVC version these claims were checked with', () => {
    expect(version).toMatch(/^3\.\d+\.\d+$/);
    expect(readme).toContain(`DVC ${version}`);
  });

  it('with no remote configured, DVC fails on its own: exit 1, "no remote specified"', () => {
    const { root } = repo({ remote: false });
    const push = plainDvc(root, ['push']);
    expect(push.code).toBe(1);
    expect(push.output).toMatch(/ERROR: failed to push data to the cloud - config file error: no remote specified/);
    expect(readme).toContain('exits 1 ("no remote specified")');
  });

  it("with objects missing from the local cache it exits 0 and reports the rest as pushed; without a directory's .dir manifest the whole directory is skipped", () => {
    const { root, remoteDir } = repo();
    const cache = join(root, '.dvc', 'cache', 'files', 'md5');
    const manifest = readdirSync(cache, { recursive: true }).find((path) => String(path).endsWith('.dir'))!;
    rmSync(join(cache, String(manifest)));
    const push = plainDvc(root, ['push']);
    expect(push.code).toBe(0);
    expect(push.output).toContain('WARNING: Some of the cache files do not exist neither locally nor on remote');
    // data/a.txt and data/b.bin went; data/images/ (three files, all in the cache) did not.
    expect(push.output).toMatch(/^2 files pushed$/m);
    expect(remoteObjects(remoteDir)).toHaveLength(2);
    expect(readme).toContain('prints a warning, exits 0 and reports the other files as pushed');
    expect(readme).toContain("without a directory's `.dir` manifest it skips the whole directory");
  });

  it('counts a directory manifest as a pushed file', () => {
    const { root, remoteDir } = repo();
    const push = plainDvc(root, ['push']);
    expect(push.code).toBe(0);
    // Five tracked files, and the .dir manifest of data/images counted as a sixth.
    expect(push.output).toMatch(/^6 files pushed$/m);
    expect(remoteObjects(remoteDir)).toHaveLength(6);
    expect(readme).toContain('counts directory manifests as files');
  });
});
