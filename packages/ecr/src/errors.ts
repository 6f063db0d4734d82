import { EcrError, describeLocation, type EcrLocation } from './location.js';

const IAM_ACTIONS: Record<string, string> = {
  DescribeImages: 'ecr:DescribeImages',
  BatchGetImage: 'ecr:BatchGetImage',
  DescribeImageScanFindings: 'ecr:DescribeImageScanFindings',
};

/** An SDK error turned into what happened, what it means and what to do. */
export function explainEcrError(error: unknown, operation: string, location: EcrLocation): EcrError {
  const name = (error as { name?: string }).name ?? 'Error';
  const message = (error as { message?: string }).message ?? String(error);
  const where = describeLocation(location);
  switch (name) {
    case 'ImageNotFoundException':
      return new EcrError(
        `${where} is not in Amazon ECR (ImageNotFoundException): push the image first, or check the tag`,
      );
    case 'RepositoryNotFoundException':
      return new EcrError(
        `repository ${location.repositoryName} does not exist in registry ${location.registryId} (${location.region}): check the image name and the account`,
      );
    case 'AccessDeniedException':
    case 'UnrecognizedClientException':
    case 'ExpiredTokenException':
    case 'CredentialsProviderError':
      return new EcrError(
        `${operation} on ${where} was refused (${name}: ${message}): the AWS credentials need ${IAM_ACTIONS[operation] ?? `ecr:${operation}`} on this repository (configure them before this step, e.g. with OIDC)`,
      );
    default:
      return new EcrError(`${operation} on ${where} failed (${name}: ${message})`);
  }
}
