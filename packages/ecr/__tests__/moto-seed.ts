import { createHash } from 'node:crypto';
import { CreateRepositoryCommand, ECRClient, PutImageCommand, StartImageScanCommand } from '@aws-sdk/client-ecr';

export const MOTO_ACCOUNT = '123456789012';
export const MOTO_REGISTRY = `${MOTO_ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`;
export const digestOf = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

/** Seeds ECR in a moto server: no layer upload exists there, so images are PutImage'd manifests. */
export class MotoEcr {
  readonly client: ECRClient;

  constructor(readonly url: string) {
    this.client = new ECRClient({
      region: 'us-east-1',
      endpoint: url,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
  }

  async repository(name: string): Promise<string> {
    await this.client.send(new CreateRepositoryCommand({ repositoryName: name }));
    return name;
  }

  /** A single-manifest image; the digest is passed explicitly (moto does not hash the manifest). */
  async pushImage(repo: string, tag: string | undefined, layer: string): Promise<string> {
    const body = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', size: 2, digest: digestOf(`config-${layer}`) },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', size: 3, digest: digestOf(layer) }],
    });
    return this.put(repo, tag, body, 'application/vnd.oci.image.manifest.v1+json');
  }

  async put(repo: string, tag: string | undefined, body: string, mediaType: string): Promise<string> {
    const digest = digestOf(body);
    await this.client.send(
      new PutImageCommand({
        repositoryName: repo,
        imageManifest: body,
        imageTag: tag,
        imageDigest: digest,
        imageManifestMediaType: mediaType,
      }),
    );
    return digest;
  }

  async startScan(repo: string, imageId: { imageTag?: string; imageDigest?: string }): Promise<void> {
    await this.client.send(new StartImageScanCommand({ repositoryName: repo, imageId }));
  }

  /** Queues DescribeImageScanFindings answers through moto's API (consumed once per image and query). */
  async injectFindings(results: unknown[]): Promise<void> {
    const response = await fetch(`${this.url}/moto-api/static/ecr/scan-finding-results`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ region: 'us-east-1', results }),
    });
    if (response.status !== 201) throw new Error(`moto refused the scan findings: ${response.status}`);
  }

  destroy(): void {
    this.client.destroy();
  }
}
