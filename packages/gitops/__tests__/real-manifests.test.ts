// Bumps on real users' charts and kustomizations (byte-for-byte copies, test/fixtures/corpus/SOURCES.md).
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { DirectorySnapshot, parseImageRef, planBump, type BumpTarget } from '../src/index.js';
import { repoRoot } from '../../../test/helpers/paths.js';
import { changedLines } from './helpers.js';

const corpus = new DirectorySnapshot(join(repoRoot, 'test', 'fixtures', 'corpus'));
const bump = (target: BumpTarget, image: string) => planBump(corpus, { target, image: parseImageRef(image) });

const PUSHGATEWAY = 'prometheus-community/helm-charts/charts/prometheus-pushgateway/values.yaml';
const LOKI = 'grafana/helm-charts/charts/loki-distributed/values.yaml';
const helm = (path: string, key: string): BumpTarget => ({ kind: 'helm-values', path, key });

describe('Helm values keep the chart’s own registry/repository split', () => {
  it('pushgateway (registry "", the registry inside repository): a tag bump changes the tag line only', async () => {
    const plan = await bump(helm(PUSHGATEWAY, 'image'), 'quay.io/prometheus/pushgateway:v1.11.0');
    const [change] = plan.changes;
    expect(changedLines(change!.before, change!.after)).toEqual([
      { line: 22, before: '  tag: ""\n', after: '  tag: "v1.11.0"\n' },
    ]);
    expect(plan.fields.map((field) => field.field)).toEqual(['image.tag']);
    expect(plan.previousImage).toBe('quay.io/prometheus/pushgateway');
  });

  it('pushgateway moved to another registry: repository takes the whole name, registry stays ""', async () => {
    const plan = await bump(helm(PUSHGATEWAY, 'image'), 'ghcr.io/acme/pushgateway:v2.0.0');
    expect(changedLines(plan.changes[0]!.before, plan.changes[0]!.after)).toEqual([
      {
        line: 20,
        before: '  repository: quay.io/prometheus/pushgateway\n',
        after: '  repository: ghcr.io/acme/pushgateway\n',
      },
      { line: 22, before: '  tag: ""\n', after: '  tag: "v2.0.0"\n' },
    ]);
  });

  it('loki (registry docker.io, repository grafana/loki): the Docker Hub short name is the same image', async () => {
    const plan = await bump(helm(LOKI, 'loki.image'), 'grafana/loki:3.0.0');
    expect(changedLines(plan.changes[0]!.before, plan.changes[0]!.after)).toEqual([
      { line: 53, before: '    tag: null\n', after: '    tag: 3.0.0\n' },
    ]);
  });
});

const REDIS = 'argoproj/argo-cd/manifests/base/redis/kustomization.yaml';
const ISTIO = 'kubeflow/manifests/common/istio/istio-install/base/kustomization.yaml';
const PROMETHEUS = 'kubeflow/manifests/applications/pipeline/upstream/third-party/prometheus/kustomization.yaml';
const images = (path: string, imageName: string): BumpTarget => ({ kind: 'kustomization', path, imageName });

describe('kustomize images entries without a tag or digest', () => {
  it.each([
    [REDIS, 'redis', 'public.ecr.aws/docker/library/redis'],
    [ISTIO, 'busybox', 'ghcr.io/containerd/busybox'],
    [PROMETHEUS, 'prom/prometheus', 'prom/prometheus'],
  ])('%s: setting the value it holds (%s -> %s) is a no-op', async (path, name, image) => {
    const plan = await bump(images(path, name), image);
    expect(plan.changes).toEqual([]);
    expect(plan.previousImage).toBe(image);
  });

  it.each([
    [REDIS, 'redis', 'public.ecr.aws/docker/library/redis', 14, '    newTag: 7.2.4\n'],
    [ISTIO, 'busybox', 'ghcr.io/containerd/busybox', 24, '  newTag: 7.2.4\n'],
    [PROMETHEUS, 'prom/prometheus', 'prom/prometheus', 11, '  newTag: 7.2.4\n'],
  ])('%s: a new tag adds the one newTag line', async (path, name, image, line, added) => {
    const plan = await bump(images(path, name), `${image}:7.2.4`);
    const { before, after } = plan.changes[0]!;
    const lines = before.split(/(?<=\n)/);
    expect(after).toBe([...lines.slice(0, line), added, ...lines.slice(line)].join(''));
  });
});
