import { describe, expect, it } from '@jest/globals';
import { InvalidValue } from '@mlops-actions/action-kit/parse';
import { parseConfig, type RepoConfig } from '../src/config.js';
import {
  extrasFor,
  parseRemoteUrl,
  redactUrls,
  remoteObjectPath,
  remoteScheme,
  resolveRemote,
  stripCredentials,
} from '../src/remote.js';

function config(project: string, local = ''): RepoConfig {
  const p = parseConfig(project);
  const l = parseConfig(local);
  const merged: RepoConfig['merged'] = { ...p };
  for (const [k, v] of Object.entries(l)) merged[k] = { ...merged[k], ...v };
  return { project: p, local: l, merged };
}

describe('remote URLs', () => {
  it('strips userinfo, query and fragment, and leaves local paths alone', () => {
    expect(stripCredentials('s3://bucket/path')).toBe('s3://bucket/path');
    expect(stripCredentials('ssh://user:hunter2@host:22/srv/dvc')).toBe('ssh://host:22/srv/dvc');
    expect(stripCredentials('azure://container/path?sv=2024&sig=SECRET')).toBe('azure://container/path');
    expect(stripCredentials('https://u:p@example.com/store#frag')).toBe('https://example.com/store');
    expect(stripCredentials('/srv/remote')).toBe('/srv/remote');
  });

  it('redacts credentials inside any log line', () => {
    expect(redactUrls("ERROR: failed to push - 'https://alice:s3cr3t@dav.example.com/x?token=abc' refused")).toBe(
      "ERROR: failed to push - 'https://dav.example.com/x' refused",
    );
  });

  it('accepts URLs of known schemes and absolute paths, and names the accepted form otherwise', () => {
    for (const good of ['s3://bucket/path', 'gs://b', 'azure://c/p', 'ssh://host/path', '/abs/dir', 'https://h/x']) {
      expect(parseRemoteUrl(good)).toBe(good);
    }
    for (const bad of ['s3:/bucket', 'bucket/path', 'ftp://host/x', 's3://', 'relative/dir', 's3://b/has space']) {
      expect(() => parseRemoteUrl(bad)).toThrow(InvalidValue);
    }
    expect(() => parseRemoteUrl('s3:/bucket')).toThrow(/absolute path or a URL like s3:\/\/bucket\/path/);
  });

  it('maps schemes to pip extras', () => {
    expect(remoteScheme('S3://b')).toBe('s3');
    expect(remoteScheme('/x')).toBe('local');
    expect(extrasFor(['s3', 'local', 'gcs', 'gs', 'https', 'azure'])).toEqual(['azure', 'gs', 's3']);
  });

  it('builds object paths for the DVC 3 and the legacy layout', () => {
    const md5 = 'd41d8cd98f00b204e9800998ecf8427e';
    expect(remoteObjectPath('s3://b/store/', md5, false)).toBe(
      's3://b/store/files/md5/d4/1d8cd98f00b204e9800998ecf8427e',
    );
    expect(remoteObjectPath('s3://b/store', md5, true)).toBe('s3://b/store/d4/1d8cd98f00b204e9800998ecf8427e');
    expect(remoteObjectPath('/r', `${md5}.dir`, false)).toBe('/r/files/md5/d4/1d8cd98f00b204e9800998ecf8427e.dir');
  });
});

describe('resolveRemote', () => {
  const twoRemotes = `[core]\n remote = main\n['remote "main"']\n url = s3://bucket/main\n region = eu-west-1\n['remote "backup"']\n url = ../backup\n`;

  it('takes the default remote, with its options and a display URL', () => {
    const remote = resolveRemote(config(twoRemotes), '/repo/.dvc', {});
    expect(remote).toEqual({
      name: 'main',
      url: 's3://bucket/main',
      displayUrl: 's3://bucket/main',
      scheme: 's3',
      options: { region: 'eu-west-1' },
      source: 'config',
    });
  });

  it('resolves a relative local remote against .dvc/, as DVC does', () => {
    expect(resolveRemote(config(twoRemotes), '/repo/.dvc', { name: 'backup' }).displayUrl).toBe('/repo/backup');
  });

  it('lets remote-url override or create a remote', () => {
    expect(resolveRemote(config(twoRemotes), '/r/.dvc', { url: 'gs://other/x' })).toMatchObject({
      name: 'main',
      url: 'gs://other/x',
      scheme: 'gs',
      source: 'input',
    });
    expect(resolveRemote(config(''), '/r/.dvc', { url: 's3://b/p' }).name).toBe('storage');
  });

  it('fails with what to do when there is no remote, no default, or an unknown name', () => {
    expect(() => resolveRemote(config(''), '/r/.dvc', {})).toThrow(/No DVC remote is configured: pass 'remote-url'/);
    expect(() => resolveRemote(config(`['remote "a"']\n url = /x\n`), '/r/.dvc', {})).toThrow(
      /No default DVC remote is set \(configured: a\)/,
    );
    expect(() => resolveRemote(config(twoRemotes), '/r/.dvc', { name: 'typo' })).toThrow(
      /'typo' is not configured \(configured: main, backup\)/,
    );
  });
});
