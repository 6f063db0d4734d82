import { describe, expect, it } from '@jest/globals';
import { parseConfig, type RepoConfig } from '../src/config.js';
import { configSecrets, staticCredentialWarnings } from '../src/credentials.js';

const repo = (project: string, local: string): RepoConfig => ({
  project: parseConfig(project),
  local: parseConfig(local),
  merged: {},
});

describe('static credentials in .dvc/config*', () => {
  const project = `['remote "s3"']\n url = s3://b/p\n profile = team\n`;
  const local = `['remote "s3"']\n access_key_id = AKIAEXAMPLE\n secret_access_key = wJalrEXAMPLE\n`;
  const remote = { name: 's3', scheme: 's3' };

  it('warns when they would override the environment (OIDC) credentials', () => {
    const warnings = staticCredentialWarnings(repo(project, local), remote, { AWS_ROLE_ARN: 'arn:aws:iam::1:role/ci' });
    expect(warnings).toEqual([
      expect.stringMatching(/^\.dvc\/config sets remote\.s3\.profile, which DVC uses instead .*\(AWS_ROLE_ARN\)/),
      expect.stringMatching(/^\.dvc\/config\.local sets remote\.s3\.access_key_id, remote\.s3\.secret_access_key/),
    ]);
    expect(warnings.join('\n')).not.toContain('AKIAEXAMPLE');
  });

  it('says nothing without environment credentials, except for a secret committed to the repository', () => {
    expect(staticCredentialWarnings(repo(project, local), remote, {})).toEqual([]);
    const committed = `['remote "s3"']\n secret_access_key = x\n`;
    expect(staticCredentialWarnings(repo(committed, ''), remote, {})).toEqual([
      expect.stringMatching(/a secret is committed to the repository/),
    ]);
    expect(
      staticCredentialWarnings(repo(project, local), { name: 's3', scheme: 'local' }, { AWS_ROLE_ARN: 'x' }),
    ).toEqual([]);
  });

  it('lists every secret value so it can be masked', () => {
    expect(configSecrets(repo(project, local)).sort()).toEqual(['AKIAEXAMPLE', 'wJalrEXAMPLE']);
  });
});
