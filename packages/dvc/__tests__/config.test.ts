import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parseConfig, readRepoConfig, remoteNames, serializeConfig, updateLocalConfig } from '../src/config.js';

const DVC_WRITTEN = `[core]
    remote = storage
    autostage = true
['remote "storage"']
    url = s3://bucket/path
    endpointurl = http://127.0.0.1:9000
[remote "plain"]
    url = "/abs/path"   
# a comment
[cache]
    dir = ../cache # inline comment
`;

describe('DVC config files', () => {
  it('parses the sections DVC writes, quoted or not, with comments', () => {
    const sections = parseConfig(DVC_WRITTEN);
    expect(sections.core).toEqual({ remote: 'storage', autostage: 'true' });
    expect(sections['remote "storage"']).toEqual({ url: 's3://bucket/path', endpointurl: 'http://127.0.0.1:9000' });
    expect(sections['remote "plain"']).toEqual({ url: '/abs/path' });
    expect(sections.cache).toEqual({ dir: '../cache' });
    expect(remoteNames(sections)).toEqual(['storage', 'plain']);
  });

  it('round-trips through its own serialization', () => {
    const sections = parseConfig(DVC_WRITTEN);
    expect(parseConfig(serializeConfig(sections))).toEqual(sections);
    expect(serializeConfig(sections)).toContain(`['remote "storage"']\n    url = s3://bucket/path`);
  });

  it('writes overrides only to config.local, keeps other keys, and is idempotent', () => {
    const dvcDir = mkdtempSync(join(tmpdir(), 'dvc-config-'));
    writeFileSync(join(dvcDir, 'config'), DVC_WRITTEN);
    writeFileSync(
      join(dvcDir, 'config.local'),
      `['remote "storage"']\n    profile = ci\n[core]\n    analytics = false\n`,
    );
    updateLocalConfig(dvcDir, 'remote "storage"', { url: 's3://other/x', region: 'eu-west-1' });
    const once = readFileSync(join(dvcDir, 'config.local'), 'utf8');
    updateLocalConfig(dvcDir, 'remote "storage"', { url: 's3://other/x', region: 'eu-west-1' });
    expect(readFileSync(join(dvcDir, 'config.local'), 'utf8')).toBe(once);
    expect(readFileSync(join(dvcDir, 'config'), 'utf8')).toBe(DVC_WRITTEN);

    const config = readRepoConfig(dvcDir);
    expect(config.local['remote "storage"']).toEqual({ profile: 'ci', url: 's3://other/x', region: 'eu-west-1' });
    expect(config.local.core).toEqual({ analytics: 'false' });
    expect(config.merged['remote "storage"']).toEqual({
      url: 's3://other/x',
      endpointurl: 'http://127.0.0.1:9000',
      profile: 'ci',
      region: 'eu-west-1',
    });
  });
});
