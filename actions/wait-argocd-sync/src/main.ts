import type { ActionHost } from '@mlops-actions/action-kit/inputs';
import { readWaitSyncOptions, waitArgoCdSync } from '@mlops-actions/argocd';

export async function main({ inputs, logger, context, setOutputs, writeSummary }: ActionHost): Promise<void> {
  const report = await waitArgoCdSync(readWaitSyncOptions(inputs), { logger, githubApiUrl: context.apiUrl });
  setOutputs(report.outputs);
  await writeSummary(report.summary);
  if (report.failure) throw new Error(report.failure);
}
