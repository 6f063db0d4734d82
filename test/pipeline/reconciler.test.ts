// The local reconciler's parts that need no model server: the Git side over a real bare
// repository, and reading the InferenceService.
import { afterAll, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BareRepoGit, createGitOpsRepo, git, inferenceServiceManifest } from './gitops-repo.js';
import { readInferenceService } from './model-cluster.js';

describe('BareRepoGit', () => {
  const repo = createGitOpsRepo({
    'apps/churn/isvc.yaml': inferenceServiceManifest('churn', 'models', 's3://b/v1'),
    'README.md': 'gitops\n',
  });
  const source = new BareRepoGit(repo, 'apps/churn');
  afterAll(() => repo.remove());

  function commit(checkout: string, path: string, text: string): string {
    writeFileSync(join(checkout, path), text);
    git(checkout, 'commit', '-qam', `edit ${path}`);
    git(checkout, 'push', '-q', 'origin', 'main');
    return git(checkout, 'rev-parse', 'HEAD');
  }

  it('resolves the branch, HEAD and full SHAs; unknown ones are undefined', () => {
    const head = repo.head();
    expect(source.resolve(repo.url, 'main')).toBe(head);
    expect(source.resolve(repo.url, 'HEAD')).toBe(head);
    expect(source.resolve(repo.url, head)).toBe(head);
    expect(source.resolve(repo.url, 'f'.repeat(40))).toBeUndefined();
    expect(source.resolve(repo.url, 'no-such-branch')).toBeUndefined();
    expect(source.resolve('https://example.com/other.git', 'main')).toBeUndefined();
  });

  it("changes the app's manifests key only when its folder changes", () => {
    const first = repo.head();
    const checkout = repo.clone();
    const readme = commit(checkout, 'README.md', 'gitops, edited\n');
    expect(source.manifests(repo.url, readme)).toBe(source.manifests(repo.url, first));
    const bump = commit(checkout, 'apps/churn/isvc.yaml', inferenceServiceManifest('churn', 'models', 's3://b/v2'));
    expect(source.manifests(repo.url, bump)).not.toBe(source.manifests(repo.url, first));
    expect(source.compare(first, bump)).toEqual({ status: 'ahead', aheadBy: 2, behindBy: 0 });
    expect(source.compare(bump, first)).toEqual({ status: 'behind', aheadBy: 0, behindBy: 2 });
    expect(source.compare(bump, bump)).toEqual({ status: 'identical', aheadBy: 0, behindBy: 0 });
    expect(source.compare(first, 'a'.repeat(40))).toBeUndefined();
  });
});

describe('readInferenceService', () => {
  it('finds the InferenceService among other documents', () => {
    const text = `kind: ConfigMap\nmetadata: {name: x}\n---\n${inferenceServiceManifest('churn', 'models', 's3://b/k')}`;
    expect(readInferenceService(text)).toEqual({ namespace: 'models', name: 'churn', storageUri: 's3://b/k' });
  });

  it('refuses a manifest without a predictor storageUri', () => {
    expect(() => readInferenceService('kind: InferenceService\nmetadata: {name: churn}\nspec: {}\n')).toThrow(
      'no InferenceService with spec.predictor.model.storageUri',
    );
  });
});
