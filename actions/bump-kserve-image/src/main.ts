import type { ActionHost } from '@mlops-actions/action-kit/inputs';
import { bumpImage, formatImageRef, readBumpOptions } from '@mlops-actions/gitops';

export async function main(host: ActionHost): Promise<void> {
  const options = readBumpOptions(host.inputs);
  const { outcome, image, verified, summary } = await bumpImage(options, host);
  const { plan } = outcome;
  host.setOutputs({
    changed: outcome.changed,
    'commit-sha': outcome.commit?.sha,
    'commit-url': outcome.commit?.url,
    'pull-request-url': outcome.pullRequest?.url,
    files: outcome.changed ? plan.changes.map((change) => change.path) : [],
    'previous-image': plan.previousImage,
    image: image ? formatImageRef(image) : undefined,
    'previous-storage-uri': plan.previousStorageUri,
    'storage-uri': options.storageUri,
    'image-digest': verified?.digest ?? image?.digest,
    diff: plan.diff,
  });
  await host.writeSummary(summary);
}
