import { describe, expect, it } from '@jest/globals';
import { InvalidValue } from '@mlops-actions/action-kit/parse';
import { formatImageRef, imageName, parseImageRef, parseStorageUri, withDigest } from '../src/image-ref.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('parseImageRef', () => {
  it.each([
    ['nginx', { path: 'nginx' }],
    ['nginx:1.27', { path: 'nginx', tag: '1.27' }],
    ['kserve/sklearnserver:v0.14.0', { path: 'kserve/sklearnserver', tag: 'v0.14.0' }],
    ['ghcr.io/acme/iris:1.4.0', { registry: 'ghcr.io', path: 'acme/iris', tag: '1.4.0' }],
    ['localhost:5000/iris', { registry: 'localhost:5000', path: 'iris' }],
    ['localhost/iris:dev', { registry: 'localhost', path: 'iris', tag: 'dev' }],
    [
      'registry.example.com:8443/team/sub/iris:1',
      { registry: 'registry.example.com:8443', path: 'team/sub/iris', tag: '1' },
    ],
    [`quay.io/x/ovms@${DIGEST}`, { registry: 'quay.io', path: 'x/ovms', digest: DIGEST }],
    [`quay.io/x/ovms:2024.1@${DIGEST}`, { registry: 'quay.io', path: 'x/ovms', tag: '2024.1', digest: DIGEST }],
    [
      '123456789012.dkr.ecr.us-east-1.amazonaws.com/iris:1.0.0',
      { registry: '123456789012.dkr.ecr.us-east-1.amazonaws.com', path: 'iris', tag: '1.0.0' },
    ],
    ['a/b__c/d-e.f:tag_1.x-y', { path: 'a/b__c/d-e.f', tag: 'tag_1.x-y' }],
  ])('%s', (text, expected) => {
    const ref = parseImageRef(text);
    expect(ref).toEqual({ registry: undefined, tag: undefined, digest: undefined, ...expected });
    expect(formatImageRef(ref)).toBe(text);
  });

  it.each([
    ['', 'registry[:port]/path'],
    ['Ghcr.io/Acme/Iris:1', 'lowercase'],
    ['acme/Iris:1', 'lowercase'],
    ['acme/iris:', 'not a valid tag'],
    ['acme/iris:-bad', 'not a valid tag'],
    ['acme/iris@sha256:abc', '64 lowercase hex'],
    [`acme/iris@sha256:${'AB'.repeat(32)}`, '64 lowercase hex'],
    [`acme/iris@md5:${'ab'.repeat(32)}`, '64 lowercase hex'],
    ['acme iris', 'registry[:port]/path'],
    ['acme//iris', 'lowercase'],
    ['{username}/torchserve:latest', 'lowercase'],
  ])('refuses %j saying what is accepted', (text, fragment) => {
    let error: unknown;
    try {
      parseImageRef(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidValue);
    expect((error as InvalidValue).expected).toContain(fragment);
  });

  it('refuses a reference beyond the registry limits (name 255, tag 128) in one short line', () => {
    const name255 = `ghcr.io/acme/${'a'.repeat(255 - 'ghcr.io/acme/'.length)}`;
    expect(imageName(parseImageRef(`${name255}:1`))).toBe(name255);
    expect(parseImageRef(`acme/iris:${'t'.repeat(128)}`).tag).toHaveLength(128);
    const refused = (text: string) => {
      try {
        parseImageRef(text);
      } catch (error) {
        if (error instanceof InvalidValue) return error.expected;
        throw error;
      }
      throw new Error(`accepted ${text.length} characters`);
    };
    expect(refused(`${name255}a:1`)).toContain(
      'the repository name is 256 characters long; registries accept at most 255',
    );
    expect(refused(`acme/iris:${'t'.repeat(129)}`)).toContain(
      'the tag is 129 characters long; registries accept at most 128',
    );
    const huge = refused(`ghcr.io/acme/${'a'.repeat(10_000)}:1`);
    expect(huge).toContain('at most 255');
    expect(huge.length).toBeLessThan(200);
    expect(huge).not.toContain('\n');
  });

  it('names and pins', () => {
    const ref = parseImageRef('ghcr.io/acme/iris:1.4.0');
    expect(imageName(ref)).toBe('ghcr.io/acme/iris');
    expect(formatImageRef(withDigest(ref, DIGEST))).toBe(`ghcr.io/acme/iris@${DIGEST}`);
    expect(formatImageRef(withDigest(ref, DIGEST, true))).toBe(`ghcr.io/acme/iris:1.4.0@${DIGEST}`);
  });
});

describe('parseStorageUri', () => {
  it.each([
    's3://b/m/v3',
    'gs://b/iris',
    'pvc://models/v7/',
    'oci://ghcr.io/org/model:v1',
    'oci+native://ghcr.io/x:v1',
    'hf://org/model',
    'https://x.blob.core.windows.net/c/m',
    'azure://c/m',
  ])('accepts %s', (uri) => expect(parseStorageUri(uri)).toBe(uri));
  it.each(['file:///tmp/m', 's3:/b', '/mnt/models', 'ftp://x/y', 's3://'])('refuses %s', (uri) => {
    expect(() => parseStorageUri(uri)).toThrow(InvalidValue);
  });
});
