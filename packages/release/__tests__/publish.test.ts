import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Deadline } from '@mlops-actions/action-kit/http';
import { memoryLogger } from '@mlops-actions/action-kit/logger';
import { GitHubClient } from '@mlops-actions/github';
import { FakeGitHub } from '../../../test/fakes/github/server.js';
import { publishRelease, ReleaseRepo, requireVersion } from '../src/index.js';
import { ReleaseHistory } from './history.js';

const TOKEN = 'ghs_releasetoken';
const NOTES = '### Added\n- things';
let history: ReleaseHistory;
let fake: FakeGitHub;
let github: GitHubClient;
let repo: ReleaseRepo;
/** v1.0.0 at main's seed, v1.1.0 one commit later; v1 names v1.1.0 (annotated, as `git tag -a` makes it). */
let v110: string;

beforeEach(async () => {
  history = new ReleaseHistory();
  history.tag('v1.0.0', history.main);
  v110 = history.commit('main', 'v1.1.0');
  history.tag('v1.1.0', v110, true);
  history.tag('v1', v110);
  fake = await FakeGitHub.start(TOKEN, { 'acme/mlops-actions': { bare: history.remote.bare } });
  github = new GitHubClient({
    apiUrl: fake.apiUrl,
    token: TOKEN,
    deadline: Deadline.after(60_000, 'the test'),
    http: { retry: { maxAttempts: 1 } },
  });
  repo = new ReleaseRepo(github, { owner: 'acme', name: 'mlops-actions' });
});

afterEach(async () => {
  await github.close();
  await fake.stop();
  history.remove();
});

const publish = (version: string, sha: string) =>
  publishRelease({ repo, version: requireVersion(version), sha, notes: NOTES, logger: memoryLogger() });
const writes = () => fake.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`);

describe('publishing a release', () => {
  it('creates the release with the notes and fast-forwards v1 to a newer descendant', async () => {
    const sha = history.commit('v1.1.0', 'v1.2.0');
    history.tag('v1.2.0', sha);

    const result = await publish('v1.2.0', sha);

    expect(result.major).toMatchObject({ action: 'move', tag: 'v1', from: v110, to: sha });
    expect(history.tagged('v1')).toBe(sha);
    expect(fake.releases.get('acme/mlops-actions')).toEqual([
      expect.objectContaining({ tag_name: 'v1.2.0', name: 'v1.2.0', body: NOTES, draft: false, make_latest: 'true' }),
    ]);
    expect(writes()).toEqual([
      'POST /api/v3/repos/acme/mlops-actions/releases',
      'PATCH /api/v3/repos/acme/mlops-actions/git/refs/tags/v1',
    ]);
  });

  it('publishes a lower version (a backport) but never moves v1 backwards', async () => {
    const sha = history.commit('v1.0.0', 'v1.0.9');
    history.tag('v1.0.9', sha);
    const logger = memoryLogger();

    const result = await publishRelease({ repo, version: requireVersion('v1.0.9'), sha, notes: NOTES, logger });

    expect(result.major).toMatchObject({ action: 'keep', at: v110 });
    expect(history.tagged('v1')).toBe(v110);
    expect(fake.releases.get('acme/mlops-actions')).toEqual([
      expect.objectContaining({ tag_name: 'v1.0.9', make_latest: 'false' }),
    ]);
    expect(logger.lines).toContain(
      'warning: v1.0.9 is lower than v1.1.0, the release v1 names: v1 stays at v1.1.0 (never moved backwards)',
    );
    expect(writes().filter((w) => w.includes('/git/refs'))).toEqual([]);
  });

  it('refuses a higher version that does not descend from v1, before writing anything', async () => {
    const sha = history.commit('v1.0.0', 'v1.3.0');
    history.tag('v1.3.0', sha);

    await expect(publish('v1.3.0', sha)).rejects.toThrow(
      /^v1\.3\.0 \([0-9a-f]{12}\) does not descend from v1 \([0-9a-f]{12}, v1\.1\.0\): GitHub's compare says "diverged"/,
    );
    expect(writes()).toEqual([]);
    expect(history.tagged('v1')).toBe(v110);
  });

  it('creates the version tag when dispatched by hand, and v1 for a first major', async () => {
    const sha = history.commit('v1.1.0', 'v2.0.0');

    const result = await publish('v2.0.0', sha);

    expect(result).toMatchObject({ tagCreated: true, major: { action: 'create', tag: 'v2', to: sha } });
    expect([history.tagged('v2.0.0'), history.tagged('v2'), history.tagged('v1')]).toEqual([sha, sha, v110]);
  });

  it('refuses a version tag that names another commit', async () => {
    const sha = history.commit('v1.1.0', 'other');
    await expect(publish('v1.1.0', sha)).rejects.toThrow(
      `tag v1.1.0 already names ${v110.slice(0, 12)}, not this run's commit ${sha.slice(0, 12)}`,
    );
    expect(writes()).toEqual([]);
  });

  it('finishes a half-done run without duplicating it', async () => {
    const sha = history.commit('v1.1.0', 'v1.2.0');
    history.tag('v1.2.0', sha);
    await publish('v1.2.0', sha);
    fake.requests.length = 0;

    const again = await publish('v1.2.0', sha);

    expect(again).toMatchObject({ tagCreated: false, release: { created: false }, major: { action: 'keep', at: sha } });
    expect(writes()).toEqual([]);
    expect(fake.releases.get('acme/mlops-actions')).toHaveLength(1);
  });
});
