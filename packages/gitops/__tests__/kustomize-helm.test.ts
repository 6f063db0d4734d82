import { describe, expect, it } from '@jest/globals';
import { DirectorySnapshot, parseImageRef, planBump, YamlSource, editKustomizeImage } from '../src/index.js';
import { FIXTURES, changedLines, fixture } from './helpers.js';

const snapshot = new DirectorySnapshot(FIXTURES);
const DIGEST = `sha256:${'d1'.repeat(32)}`;

const kustomize = (imageName: string, image: string) =>
  planBump(snapshot, {
    target: { kind: 'kustomization', path: 'kustomization.yaml', imageName },
    image: parseImageRef(image),
  });
const helm = (key: string, image: string) =>
  planBump(snapshot, { target: { kind: 'helm-values', path: 'values.yaml', key }, image: parseImageRef(image) });

describe('kustomize images', () => {
  it('sets newTag in place; the inline comment, list comments and blank lines stay', async () => {
    const plan = await kustomize('kserve-sklearnserver', 'kserve/sklearnserver:v0.15.0');
    expect(changedLines(plan.changes[0]!.before, plan.changes[0]!.after)).toEqual([
      { line: 11, before: '  newTag: v0.14.0\n', after: '  newTag: v0.15.0\n' },
    ]);
    expect(plan.previousImage).toBe('kserve/sklearnserver:v0.14.0');
  });

  it('removes a stale digest (it would win over newTag), whitespace-only line kept', async () => {
    const plan = await kustomize('kserve-mlserver', 'docker.io/seldonio/mlserver:1.7.1');
    const { before, after } = plan.changes[0]!;
    expect(after).toBe(
      before.replace(
        '  newTag: 1.5.0\n  digest: sha256:0000000000000000000000000000000000000000000000000000000000000000\n',
        '  newTag: 1.7.1\n',
      ),
    );
    expect(after).toContain('\n  \n- name: huggingfaceserver');
    expect(plan.previousImage).toBe(`docker.io/seldonio/mlserver:1.5.0@sha256:${'0'.repeat(64)}`);
  });

  it('pins a digest by adding the key; newName follows a moved repository', async () => {
    const plan = await kustomize('kserve-sklearnserver', `ghcr.io/acme/sklearnserver:v0.15.0@${DIGEST}`);
    const { before, after } = plan.changes[0]!;
    expect(after).toBe(
      before.replace(
        '  newName: kserve/sklearnserver\n  newTag: v0.14.0\n',
        `  newName: ghcr.io/acme/sklearnserver\n  newTag: v0.15.0\n  digest: ${DIGEST}\n`,
      ),
    );
  });

  it('creates a missing entry at the end of the list, in the list style', async () => {
    const plan = await kustomize('kserve-xgbserver', 'kserve/xgbserver:v0.15.0');
    const { before, after } = plan.changes[0]!;
    expect(after).toBe(`${before}- name: kserve-xgbserver\n  newName: kserve/xgbserver\n  newTag: v0.15.0\n`);
    expect(plan.warnings.join()).toContain('one is added');
  });

  it('creates images: when the kustomization has none (no trailing newline kept so)', () => {
    const source = new YamlSource('k.yaml', 'resources:\n  - isvc.yaml');
    const edits = editKustomizeImage(source, 'iris', parseImageRef('ghcr.io/acme/iris:2'));
    const { applyEdits } = {
      applyEdits: (t: string) =>
        t.slice(0, edits.edits[0]!.start) + edits.edits[0]!.text + t.slice(edits.edits[0]!.end),
    };
    expect(applyEdits(source.text)).toBe(
      'resources:\n  - isvc.yaml\nimages:\n- name: iris\n  newName: ghcr.io/acme/iris\n  newTag: "2"',
    );
  });

  it('a reference without a tag or digest cannot say what to do with the tag an entry pins', async () => {
    await expect(kustomize('kserve-sklearnserver', 'kserve/sklearnserver')).rejects.toThrow(
      'kustomization.yaml: images[kserve-sklearnserver] sets newTag v0.14.0, and kserve/sklearnserver names no tag or digest: give the tag (or digest) to deploy',
    );
  });

  it('is idempotent', async () => {
    const plan = await kustomize('kserve-sklearnserver', 'kserve/sklearnserver:v0.14.0');
    expect(plan.changes).toEqual([]);
  });

  it('a digest as the first key of a list item pulls the next key up onto the dash line', () => {
    const text = `images:\n- digest: ${DIGEST}\n  name: iris\n  newTag: "1"\n`;
    const source = new YamlSource('k.yaml', text);
    const edits = editKustomizeImage(source, 'iris', parseImageRef('iris:2'));
    let out = text;
    for (const edit of [...edits.edits].sort((a, b) => b.start - a.start))
      out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
    expect(out).toBe('images:\n- name: iris\n  newTag: "2"\n');
  });
});

describe('Helm values', () => {
  it('repository/tag mapping: quoted tag stays quoted, comment stays', async () => {
    const plan = await helm('image', 'ghcr.io/acme/iris:1.5.0');
    expect(changedLines(plan.changes[0]!.before, plan.changes[0]!.after)).toEqual([
      { line: 6, before: '  tag: "1.4.0"\n', after: '  tag: "1.5.0"\n' },
    ]);
    expect(plan.previousImage).toBe('ghcr.io/acme/iris:1.4.0');
  });

  it('a string value is replaced whole, quoting kept', async () => {
    const plan = await helm('sidecarImage', 'envoyproxy/envoy:v1.31.0');
    expect(changedLines(plan.changes[0]!.before, plan.changes[0]!.after)).toEqual([
      {
        line: 9,
        before: 'sidecarImage: "envoyproxy/envoy:v1.30.1"\n',
        after: 'sidecarImage: "envoyproxy/envoy:v1.31.0"\n',
      },
    ]);
  });

  it('registry/repository/digest/tag mapping under a dotted key: digest pinned, shape kept', async () => {
    const plan = await helm(
      'kserve.servingruntime.sklearnserver.image',
      `docker.io/kserve/sklearnserver:v0.15.0@${DIGEST}`,
    );
    expect(changedLines(plan.changes[0]!.before, plan.changes[0]!.after)).toEqual([
      { line: 17, before: '        digest: ""\n', after: `        digest: "${DIGEST}"\n` },
      { line: 18, before: '        tag: v0.14.0\n', after: '        tag: v0.15.0\n' },
    ]);
  });

  it('a mapping without a digest key cannot be pinned, and says how to fix it', async () => {
    await expect(helm('image', `ghcr.io/acme/iris@${DIGEST}`)).rejects.toThrow(/has no digest key to pin/);
  });

  it('a plain tag that would read back as a number is quoted', () => {
    const source = new YamlSource('v.yaml', 'image:\n  repository: iris\n  tag: 1.4.0\n');
    const plan = planBump(
      { paths: async () => ['v.yaml'], read: async () => Buffer.from(source.text) },
      { target: { kind: 'helm-values', path: 'v.yaml', key: 'image' }, image: parseImageRef('iris:1.5') },
    );
    return expect(plan.then((p) => p.changes[0]!.after)).resolves.toBe('image:\n  repository: iris\n  tag: "1.5"\n');
  });

  it('unknown key', async () => {
    await expect(helm('model.image', 'x/y:1')).rejects.toThrow('values.yaml: no mapping at model');
  });
});

it('fixtures are what the tests expect (CRLF kept by .gitattributes)', () => {
  expect(fixture('crlf-isvc.yaml')).toContain('\r\n');
  expect(fixture('custom-predictor.yaml')).not.toContain('\r');
});
