import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import {
  BumpError,
  DEFAULT_GLOBS,
  DirectorySnapshot,
  parseImageRef,
  planBump,
  type BumpRequest,
} from '../src/index.js';
import type { BumpTarget } from '../src/plan.js';
import { FIXTURES, changedLines, fixture } from './helpers.js';

const snapshot = new DirectorySnapshot(FIXTURES);
const DIGEST = `sha256:${'c0'.repeat(32)}`;

function isvc(name: string, extra: Partial<Extract<BumpTarget, { kind: 'inference-service' }>> = {}): BumpTarget {
  return {
    kind: 'inference-service',
    name,
    component: 'predictor',
    container: 'kserve-container',
    files: DEFAULT_GLOBS,
    ...extra,
  };
}

async function bump(request: BumpRequest) {
  const plan = await planBump(snapshot, request);
  const change = plan.changes[0];
  const sameLength = change && change.before.split('\n').length === change.after.split('\n').length;
  return {
    plan,
    before: change?.before,
    after: change?.after,
    lines: sameLength ? changedLines(change.before, change.after) : [],
  };
}

describe('InferenceService edits are byte-exact', () => {
  it('custom container: only the image scalar changes; Flux marker, sidecar and comments stay', async () => {
    const { plan, lines } = await bump({
      target: isvc('custom-model'),
      image: parseImageRef('ghcr.io/acme/iris:1.5.0'),
    });
    expect(plan.file).toBe('custom-predictor.yaml');
    expect(lines).toEqual([
      {
        line: 14,
        before: '        image: ghcr.io/acme/iris:1.4.0 # {"$imagepolicy": "flux-system:iris"}\n',
        after: '        image: ghcr.io/acme/iris:1.5.0 # {"$imagepolicy": "flux-system:iris"}\n',
      },
    ]);
    expect(plan.previousImage).toBe('ghcr.io/acme/iris:1.4.0');
    expect(plan.diff).toContain('-        image: ghcr.io/acme/iris:1.4.0');
    expect(plan.diff).toContain('+        image: ghcr.io/acme/iris:1.5.0');
  });

  it('custom container: image and STORAGE_URI env together, quoting kept', async () => {
    const { plan, lines } = await bump({
      target: isvc('custom-model', { namespace: 'models' }),
      image: parseImageRef(`ghcr.io/acme/iris@${DIGEST}`),
      storageUri: 'pvc://models/iris/v8/',
    });
    expect(lines.map((l) => l.line)).toEqual([14, 20]);
    expect(lines[1]!.after).toBe('            value: "pvc://models/iris/v8/"\n');
    expect(plan.previousStorageUri).toBe('pvc://models/iris/v7/');
    expect(plan.fields.map((f) => f.field)).toEqual([
      'spec.predictor.containers[kserve-container].image',
      'spec.predictor.containers[kserve-container].env[STORAGE_URI].value',
    ]);
  });

  it('another container by name, never the predictor', async () => {
    const { lines } = await bump({
      target: isvc('custom-model', { container: 'sidecar' }),
      image: parseImageRef('envoyproxy/envoy:v1.31.0'),
    });
    expect(lines).toEqual([
      {
        line: 25,
        before: '        image: envoyproxy/envoy:v1.30.1\n',
        after: '        image: envoyproxy/envoy:v1.31.0\n',
      },
    ]);
  });

  it('predictor.model storageUri keeps double quotes and the trailing commented args', async () => {
    const { lines } = await bump({
      target: isvc('sklearn-iris', { files: ['model-storage.yaml'] }),
      storageUri: 'gs://kfserving-examples/models/sklearn/2.0/model',
    });
    expect(lines).toEqual([
      {
        line: 12,
        before: '      storageUri: "gs://kfserving-examples/models/sklearn/1.0/model"\n',
        after: '      storageUri: "gs://kfserving-examples/models/sklearn/2.0/model"\n',
      },
    ]);
  });

  it('legacy framework stays legacy; single quotes kept; runtimeVersion warned about', async () => {
    const { plan, lines } = await bump({
      target: isvc('sklearn-legacy'),
      image: parseImageRef('kserve/sklearnserver:v0.15.0'),
    });
    expect(lines).toEqual([
      {
        line: 9,
        before: "      image: 'kserve/sklearnserver:v0.14.0'\n",
        after: "      image: 'kserve/sklearnserver:v0.15.0'\n",
      },
    ]);
    expect(plan.warnings.join()).toContain('runtimeVersion');
  });

  it('transformer container only; the commented-out predictor line is untouched', async () => {
    const { lines } = await bump({
      target: isvc('torch-transformer', { component: 'transformer' }),
      image: parseImageRef('kserve/image-transformer:v0.15.0'),
    });
    expect(lines).toEqual([
      {
        line: 12,
        before: '      - image: kserve/image-transformer:latest\n',
        after: '      - image: kserve/image-transformer:v0.15.0\n',
      },
    ]);
  });

  it('explainer art image', async () => {
    const { lines } = await bump({
      target: isvc('art-explainer', { component: 'explainer' }),
      image: parseImageRef('kserve/art-explainer:v0.15.0'),
    });
    expect(lines.map((l) => l.after)).toEqual(['      image: kserve/art-explainer:v0.15.0\n']);
  });

  it('explainer custom container, in a flow-style manifest', async () => {
    const text = [
      'apiVersion: serving.kserve.io/v1beta1',
      'kind: InferenceService',
      'metadata: {name: income}',
      'spec:',
      '  predictor: {sklearn: {storageUri: "gs://b/income/model"}}',
      '  explainer: {containers: [{name: kserve-container, image: "acme/explainer:1.0"}, {name: proxy, image: envoy:1}]}',
      '',
    ].join('\n');
    const plan = await planBump(
      { paths: async () => ['income.yaml'], read: async () => Buffer.from(text) },
      { target: isvc('income', { component: 'explainer' }), image: parseImageRef('acme/explainer:1.1') },
    );
    expect(plan.changes[0]!.after).toBe(text.replace('"acme/explainer:1.0"', '"acme/explainer:1.1"'));

    const canary = await planBump(
      { paths: async () => ['income.yaml'], read: async () => Buffer.from(text) },
      { target: isvc('income', { component: 'explainer', canaryTrafficPercent: 10 }) },
    );
    expect(canary.changes[0]!.after).toBe(
      text.replace('image: envoy:1}]}', 'image: envoy:1}], canaryTrafficPercent: 10}'),
    );
  });

  it('canary: the existing percent (with its comment line) changes in place', async () => {
    const { lines } = await bump({
      target: isvc('my-model', { canaryTrafficPercent: 25 }),
      storageUri: 'gs://kfserving-examples/models/tensorflow/flowers-3',
    });
    expect(lines).toEqual([
      { line: 8, before: '    canaryTrafficPercent: 10\n', after: '    canaryTrafficPercent: 25\n' },
      {
        line: 10,
        before: '      storageUri: "gs://kfserving-examples/models/tensorflow/flowers-2"\n',
        after: '      storageUri: "gs://kfserving-examples/models/tensorflow/flowers-3"\n',
      },
    ]);
  });

  it('canary: a missing percent is inserted as the first key at the component indentation', async () => {
    const { before, after } = await bump({
      target: isvc('sklearn-iris', { files: ['model-storage.yaml'], canaryTrafficPercent: 10 }),
    });
    expect(after).toBe(before!.replace('  predictor:\n', '  predictor:\n    canaryTrafficPercent: 10\n'));
  });

  it('canary on a Standard-mode InferenceService is written but warned about', async () => {
    const { plan, before, after } = await bump({ target: isvc('raw-iris', { canaryTrafficPercent: 10 }) });
    expect(after).toBe(before!.replace('  predictor:\n', '  predictor:\n    canaryTrafficPercent: 10\n'));
    expect(plan.warnings.join()).toMatch(/deploymentMode: Standard.*ignores canaryTrafficPercent/);
  });

  it('multi-document file: one document edited; the other isvc, the comment-only document, graph and ConfigMap are byte-identical', async () => {
    const { plan, lines } = await bump({
      target: isvc('sklearn-iris', { files: ['multi-doc.yaml'] }),
      storageUri: 'gs://b/sklearn/2.0',
    });
    expect(plan.file).toBe('multi-doc.yaml');
    expect(lines).toEqual([
      {
        line: 24,
        before: '      storageUri: "gs://kfserving-examples/models/sklearn/1.0/model"\n',
        after: '      storageUri: "gs://b/sklearn/2.0"\n',
      },
    ]);
  });

  it('CRLF file: CRLF kept on every line, only the image line differs', async () => {
    const { before, after } = await bump({
      target: isvc('crlf-model', { canaryTrafficPercent: 20 }),
      image: parseImageRef('123456789012.dkr.ecr.us-east-1.amazonaws.com/iris:1.1.0'),
    });
    expect(before).toBe(fixture('crlf-isvc.yaml'));
    expect(after!.split('\r\n').length).toBe(before!.split('\r\n').length + 1);
    expect(after!.replace(/\r\n/g, '')).not.toContain('\n');
    expect(after).toBe(
      before!
        .replace('  predictor:\r\n', '  predictor:\r\n    canaryTrafficPercent: 20\r\n')
        .replace('iris:1.0.0"', 'iris:1.1.0"'),
    );
  });

  it('anchored image: edited at the anchor, anchor kept, aliases warned about', async () => {
    const { plan, lines } = await bump({ target: isvc('anchored'), image: parseImageRef('ghcr.io/acme/iris:2.0.0') });
    expect(lines).toEqual([
      {
        line: 9,
        before: '        image: &model-image ghcr.io/acme/iris:1.4.0\n',
        after: '        image: &model-image ghcr.io/acme/iris:2.0.0\n',
      },
    ]);
    expect(plan.warnings.join()).toContain('&model-image');
  });

  it('an alias is refused rather than edited somewhere else', async () => {
    await expect(
      planBump(snapshot, { target: isvc('anchored', { component: 'transformer' }), image: parseImageRef('x/y:1') }),
    ).rejects.toThrow(/alias \*model-image/);
  });

  it('already at the target: no change, previous equals new', async () => {
    const plan = await planBump(snapshot, {
      target: isvc('custom-model'),
      image: parseImageRef('ghcr.io/acme/iris:1.4.0'),
    });
    expect(plan.changes).toEqual([]);
    expect(plan.diff).toBe('');
    expect(plan.previousImage).toBe('ghcr.io/acme/iris:1.4.0');
  });
});

describe('selection errors name what was found', () => {
  it('no match lists the InferenceServices found', async () => {
    await expect(planBump(snapshot, { target: isvc('nope'), image: parseImageRef('x/y:1') })).rejects.toThrow(
      /no InferenceService nope in \d+ file\(s\); found: .*custom-model \(custom-predictor\.yaml\)/,
    );
  });

  it('a name in several files lists them until files narrows it', async () => {
    const error = await planBump(snapshot, { target: isvc('sklearn-iris'), storageUri: 's3://b/m' }).catch(
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(BumpError);
    expect((error as Error).message).toMatch(/defined 2 times: model-storage\.yaml, multi-doc\.yaml/);
  });

  it('a missing component, container or field', async () => {
    await expect(
      planBump(snapshot, { target: isvc('custom-model', { component: 'transformer' }), image: parseImageRef('x/y:1') }),
    ).rejects.toThrow('has no spec.transformer (it has: predictor)');
    await expect(
      planBump(snapshot, { target: isvc('custom-model', { container: 'nope' }), image: parseImageRef('x/y:1') }),
    ).rejects.toThrow('containers: kserve-container, sidecar');
    await expect(
      planBump(snapshot, {
        target: isvc('sklearn-iris', { files: ['model-storage.yaml'] }),
        image: parseImageRef('x/y:1'),
      }),
    ).rejects.toThrow(/has no image: it runs its ServingRuntime's image/);
  });

  it('the only container is used when none has the name, and it says so', async () => {
    const plan = await planBump(snapshot, {
      target: isvc('torch-transformer', { component: 'transformer', container: 'main' }),
      image: parseImageRef('x/y:1'),
    });
    expect(plan.warnings.join()).toContain('no container is named main; editing the only container, kserve-container');
  });

  it('globs that match nothing', async () => {
    await expect(
      planBump(snapshot, { target: isvc('x', { files: ['deploy/**/*.yaml'] }), image: parseImageRef('x/y:1') }),
    ).rejects.toThrow('matched no files');
  });

  it('a duplicate key is a parse error too (Kubernetes refuses them)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gitops-dup-'));
    writeFileSync(
      join(dir, 'dup.yaml'),
      fixture('custom-predictor.yaml').replace('  namespace: models\n', '  namespace: models\n  name: other\n'),
    );
    await expect(
      planBump(new DirectorySnapshot(dir), { target: isvc('custom-model'), image: parseImageRef('x/y:1') }),
    ).rejects.toThrow(/dup\.yaml:7 is not valid YAML: Map keys must be unique/);
  });

  it('a file that does not parse is named with its line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gitops-broken-'));
    writeFileSync(join(dir, 'ok.yaml'), fixture('custom-predictor.yaml'));
    writeFileSync(join(dir, 'broken.yaml'), 'kind: InferenceService\nmetadata:\n  name: x\n  labels: [a\nspec: {}\n');
    await expect(
      planBump(new DirectorySnapshot(dir), { target: isvc('custom-model'), image: parseImageRef('x/y:1') }),
    ).rejects.toThrow(/broken\.yaml:\d+ is not valid YAML/);
  });
});
