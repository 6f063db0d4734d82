/** Where an image lives in Amazon ECR, read from its registry host. */
export interface EcrLocation {
  registryId: string;
  region: string;
  repositoryName: string;
  tag?: string;
  digest?: string;
}

const ECR_HOST = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;

export class EcrError extends Error {
  override name = 'EcrError';
}

/** `<account>.dkr.ecr.<region>.amazonaws.com/<repo>[:tag][@digest]` → its parts; anything else is refused. */
export function ecrLocation(image: { registry?: string; path: string; tag?: string; digest?: string }): EcrLocation {
  const match = ECR_HOST.exec(image.registry ?? '');
  if (!match) {
    throw new EcrError(
      `verify-image: ecr needs an Amazon ECR image (<account>.dkr.ecr.<region>.amazonaws.com/<repository>), not ${image.registry ?? 'an image without a registry'}`,
    );
  }
  if (!image.tag && !image.digest)
    throw new EcrError(`the ECR image ${image.path} needs a tag or a digest to be verified`);
  return { registryId: match[1]!, region: match[2]!, repositoryName: image.path, tag: image.tag, digest: image.digest };
}

export function describeLocation(location: EcrLocation): string {
  return `${location.registryId}.dkr.ecr.${location.region}.amazonaws.com/${location.repositoryName}${location.tag ? `:${location.tag}` : ''}${location.digest ? `@${location.digest}` : ''}`;
}
