import { BatchGetImageCommand, DescribeImagesCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { explainEcrError } from './errors.js';
import { EcrError, describeLocation, type EcrLocation } from './location.js';

export const INDEX_MEDIA_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
];
const MANIFEST_MEDIA_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
];

/** The client surface used here, so tests may pass a scripted one. */
export type EcrSend = Pick<ECRClient, 'send'>;

export interface ChildManifest {
  digest: string;
  mediaType?: string;
  /** `os/arch[/variant]`, when the index says. */
  platform?: string;
  /** buildx provenance/SBOM attestations: not runnable, not scannable. */
  attestation: boolean;
}

export interface ResolvedImage {
  location: EcrLocation;
  /** The digest the tag points at: an index digest for multi-arch or attested builds. */
  digest: string;
  mediaType?: string;
  isIndex: boolean;
  /** The manifests of an index. */
  children: ChildManifest[];
  tags: string[];
}

/**
 * Proves the image exists and resolves its digest. For an image index (multi-arch, or buildx
 * attestations), reads the index with every manifest media type accepted (so ECR converts
 * nothing) and lists its child manifests.
 */
export async function resolveImage(client: EcrSend, location: EcrLocation): Promise<ResolvedImage> {
  const imageId = location.digest ? { imageDigest: location.digest } : { imageTag: location.tag };
  let detail;
  try {
    const described = await client.send(
      new DescribeImagesCommand({
        registryId: location.registryId,
        repositoryName: location.repositoryName,
        imageIds: [imageId],
      }),
    );
    detail = described.imageDetails?.[0];
  } catch (error) {
    throw explainEcrError(error, 'DescribeImages', location);
  }
  if (!detail?.imageDigest)
    throw new EcrError(`${describeLocation(location)} is not in Amazon ECR: push the image first`);
  const tags = detail.imageTags ?? [];
  if (location.digest && location.tag && !tags.includes(location.tag)) {
    throw new EcrError(
      `${describeLocation(location)}: tag ${location.tag} does not point at ${location.digest} (its tags: ${tags.join(', ') || 'none'})`,
    );
  }
  const mediaType = detail.imageManifestMediaType;
  const isIndex = mediaType !== undefined && INDEX_MEDIA_TYPES.includes(mediaType);
  const resolved: ResolvedImage = { location, digest: detail.imageDigest, mediaType, isIndex, children: [], tags };
  if (isIndex) resolved.children = await readIndex(client, location, detail.imageDigest);
  return resolved;
}

async function readIndex(client: EcrSend, location: EcrLocation, digest: string): Promise<ChildManifest[]> {
  let result;
  try {
    result = await client.send(
      new BatchGetImageCommand({
        registryId: location.registryId,
        repositoryName: location.repositoryName,
        imageIds: [{ imageDigest: digest }],
        acceptedMediaTypes: [...INDEX_MEDIA_TYPES, ...MANIFEST_MEDIA_TYPES],
      }),
    );
  } catch (error) {
    throw explainEcrError(error, 'BatchGetImage', location);
  }
  const failure = result.failures?.[0];
  if (failure)
    throw new EcrError(`reading the index ${digest} failed: ${failure.failureCode}: ${failure.failureReason}`);
  const manifest = result.images?.[0]?.imageManifest;
  if (!manifest) throw new EcrError(`ECR returned no manifest for the index ${digest}`);
  const parsed = JSON.parse(manifest) as {
    manifests?: {
      digest: string;
      mediaType?: string;
      platform?: { os?: string; architecture?: string; variant?: string };
      annotations?: Record<string, string>;
    }[];
  };
  return (parsed.manifests ?? []).map((child) => {
    const platform = child.platform?.os
      ? [child.platform.os, child.platform.architecture, child.platform.variant].filter(Boolean).join('/')
      : undefined;
    return {
      digest: child.digest,
      mediaType: child.mediaType,
      platform,
      attestation:
        child.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' || platform === 'unknown/unknown',
    };
  });
}
