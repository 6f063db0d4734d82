import type { ECRClient } from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startMoto } from '../../../test/helpers/moto.js';
import type { Service } from '../../../test/helpers/service.js';
import { EcrError, ScanGateError, ecrLocation, resolveImage, scanGate } from '../src/index.js';
import { MOTO_ACCOUNT as ACCOUNT, MOTO_REGISTRY as REGISTRY, MotoEcr, digestOf } from './moto-seed.js';

let moto: Service;
let seed: MotoEcr;
let ecr: ECRClient;

/** A fake clock: sleeping advances time instantly, so bounded waits are tested without waiting. */
function fakeClock() {
  let now = 0;
  return { now: () => now, sleep: async (ms: number) => void (now += ms), slept: () => now };
}

const repository = (name: string) => seed.repository(name);
const pushImage = (repo: string, tag: string | undefined, layer: string) => seed.pushImage(repo, tag, layer);
const injectFindings = (results: unknown[]) => seed.injectFindings(results);

beforeAll(async () => {
  moto = await startMoto();
  seed = new MotoEcr(moto.url);
  ecr = seed.client;
});
afterAll(async () => {
  seed?.destroy();
  await moto?.stop();
});

describe('ECR image verification against moto', () => {
  it('resolves a tag to its digest', async () => {
    const repo = await repository('team/iris');
    const digest = await pushImage(repo, '1.4.0', 'iris-1.4.0');
    const resolved = await resolveImage(ecr, ecrLocation({ registry: REGISTRY, path: repo, tag: '1.4.0' }));
    expect(resolved).toMatchObject({
      digest,
      isIndex: false,
      tags: ['1.4.0'],
      location: { registryId: ACCOUNT, region: 'us-east-1' },
    });
  });

  it('a missing tag and a missing repository are clear errors', async () => {
    const repo = await repository('team/missing-tag');
    await pushImage(repo, '1.0.0', 'x');
    await expect(resolveImage(ecr, ecrLocation({ registry: REGISTRY, path: repo, tag: '9.9.9' }))).rejects.toThrow(
      `${REGISTRY}/team/missing-tag:9.9.9 is not in Amazon ECR (ImageNotFoundException): push the image first`,
    );
    await expect(resolveImage(ecr, ecrLocation({ registry: REGISTRY, path: 'nope/repo', tag: '1' }))).rejects.toThrow(
      'repository nope/repo does not exist in registry 123456789012 (us-east-1)',
    );
  });

  it('a tag that does not point at the given digest is refused', async () => {
    const repo = await repository('team/tag-digest');
    await pushImage(repo, '1.0.0', 'a');
    const other = await pushImage(repo, '2.0.0', 'b');
    await expect(
      resolveImage(ecr, ecrLocation({ registry: REGISTRY, path: repo, tag: '1.0.0', digest: other })),
    ).rejects.toThrow('tag 1.0.0 does not point at');
  });

  it('an image index (multi-arch + buildx attestation) resolves to the index digest and its children', async () => {
    const repo = await repository('team/multiarch');
    const amd = await pushImage(repo, 'amd64-only', 'amd');
    const arm = await pushImage(repo, 'arm64-only', 'arm');
    const att = await pushImage(repo, 'attestation', 'att');
    const index = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: amd,
          size: 1,
          platform: { os: 'linux', architecture: 'amd64' },
        },
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: arm,
          size: 1,
          platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
        },
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: att,
          size: 1,
          platform: { os: 'unknown', architecture: 'unknown' },
          annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': amd },
        },
      ],
    });
    const indexDigest = await seed.put(repo, '2.0.0', index, 'application/vnd.oci.image.index.v1+json');
    expect(indexDigest).toBe(digestOf(index));
    const resolved = await resolveImage(ecr, ecrLocation({ registry: REGISTRY, path: repo, tag: '2.0.0' }));
    expect(resolved.isIndex).toBe(true);
    expect(resolved.digest).toBe(indexDigest);
    expect(resolved.children).toEqual([
      {
        digest: amd,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        platform: 'linux/amd64',
        attestation: false,
      },
      {
        digest: arm,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        platform: 'linux/arm64/v8',
        attestation: false,
      },
      {
        digest: att,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        platform: 'unknown/unknown',
        attestation: true,
      },
    ]);

    // The gate judges the runnable children, never the index or the attestation.
    await seed.startScan(repo, { imageDigest: amd });
    await seed.startScan(repo, { imageDigest: arm });
    await injectFindings([
      {
        registryId: ACCOUNT,
        repositoryName: repo,
        imageId: { imageDigest: arm },
        imageScanStatus: { status: 'COMPLETE', description: 'done' },
        imageScanFindings: { findingSeverityCounts: { CRITICAL: 2, LOW: 4 } },
      },
    ]);
    const error = await scanGate(ecr, resolved, { maxSeverity: 'CRITICAL' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScanGateError);
    expect((error as Error).message).toMatch(
      /at or above CRITICAL \(linux\/arm64\/v8 sha256:[0-9a-f]{12}: CRITICAL 2, LOW 4\)/,
    );
    expect((error as ScanGateError).reports.map((r) => r.platform)).toEqual(['linux/amd64', 'linux/arm64/v8']);
  });
});

describe('ECR scan gate against moto', () => {
  it('no scan yet: a clear message on how to get one', async () => {
    const repo = await repository('gate/no-scan');
    await pushImage(repo, '1', 'no-scan');
    const image = await resolveImage(ecr, ecrLocation({ registry: REGISTRY, path: repo, tag: '1' }));
    await expect(scanGate(ecr, image, { maxSeverity: 'HIGH' })).rejects.toThrow(
      /no ECR scan exists for gate\/no-scan@sha256:.*start-image-scan/,
    );
  });

  it("moto's default scan (one HIGH finding) fails a HIGH gate and passes a CRITICAL gate", async () => {
    const repo = await repository('gate/default');
    await pushImage(repo, '1', 'default-scan');
    await seed.startScan(repo, { imageTag: '1' });
    const image = await resolveImage(ecr, ecrLocation({ registry: REGISTRY, path: repo, tag: '1' }));
    await expect(scanGate(ecr, image, { maxSeverity: 'HIGH' })).rejects.toThrow(/at or above HIGH .*HIGH 1/);
    const reports = await scanGate(ecr, image, { maxSeverity: 'CRITICAL' });
    expect(reports).toEqual([{ digest: image.digest, platform: undefined, status: 'COMPLETE', counts: { HIGH: 1 } }]);
  });

  it('enhanced scanning: ACTIVE status with findings only in enhancedFindings', async () => {
    const repo = await repository('gate/enhanced');
    const digest = await pushImage(repo, '1', 'enhanced');
    await seed.startScan(repo, { imageTag: '1' });
    await injectFindings([
      {
        registryId: ACCOUNT,
        repositoryName: repo,
        imageId: { imageDigest: digest },
        imageScanStatus: { status: 'ACTIVE', description: 'Continuous scan is selected for image.' },
        imageScanFindings: {
          enhancedFindings: [
            { severity: 'MEDIUM', status: 'ACTIVE', title: 'CVE-1' },
            { severity: 'HIGH', status: 'CLOSED', title: 'CVE-2' },
          ],
        },
      },
    ]);
    const image = await resolveImage(ecr, ecrLocation({ registry: REGISTRY, path: repo, tag: '1' }));
    await expect(scanGate(ecr, image, { maxSeverity: 'MEDIUM' })).rejects.toThrow(/MEDIUM 1\)/);
    await expect(scanGate(ecr, image, { maxSeverity: 'HIGH' })).resolves.toEqual([
      { digest, platform: undefined, status: 'ACTIVE', counts: { MEDIUM: 1 } },
    ]);
  });

  it('a scan that stays IN_PROGRESS is waited for in a bounded loop, then reported', async () => {
    const repo = await repository('gate/in-progress');
    const digest = await pushImage(repo, '1', 'in-progress');
    await seed.startScan(repo, { imageTag: '1' });
    await injectFindings([
      {
        registryId: ACCOUNT,
        repositoryName: repo,
        imageId: { imageDigest: digest },
        imageScanStatus: { status: 'IN_PROGRESS' },
        imageScanFindings: {},
      },
    ]);
    const image = await resolveImage(ecr, ecrLocation({ registry: REGISTRY, path: repo, tag: '1' }));
    const clock = fakeClock();
    await expect(
      scanGate(ecr, image, { maxSeverity: 'HIGH', timeoutMs: 60_000, intervalMs: 10_000, clock }),
    ).rejects.toThrow(/still IN_PROGRESS after 1m: re-run once it completes/);
    expect(clock.slept()).toBe(60_000);
  });

  it('UNSUPPORTED_IMAGE is not waited for', async () => {
    const repo = await repository('gate/unsupported');
    const digest = await pushImage(repo, '1', 'unsupported');
    await seed.startScan(repo, { imageTag: '1' });
    await injectFindings([
      {
        registryId: ACCOUNT,
        repositoryName: repo,
        imageId: { imageDigest: digest },
        imageScanStatus: { status: 'UNSUPPORTED_IMAGE', description: 'The operating system is not supported' },
        imageScanFindings: {},
      },
    ]);
    const image = await resolveImage(ecr, ecrLocation({ registry: REGISTRY, path: repo, tag: '1' }));
    await expect(scanGate(ecr, image, { maxSeverity: 'HIGH', clock: fakeClock() })).rejects.toThrow(
      'is UNSUPPORTED_IMAGE (The operating system is not supported): the gate cannot judge this image',
    );
  });
});

describe('ecrLocation', () => {
  it('refuses a registry that is not ECR', () => {
    expect(() => ecrLocation({ registry: 'ghcr.io', path: 'acme/iris', tag: '1' })).toThrow(EcrError);
    expect(
      ecrLocation({ registry: '123456789012.dkr.ecr.eu-west-2.amazonaws.com', path: 'a/b', tag: '1' }),
    ).toMatchObject({ region: 'eu-west-2' });
  });
});
