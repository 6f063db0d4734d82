import type { ActionHost } from '@mlops-actions/action-kit/inputs';
import { mlflowGateAndRegister, readMlflowOptions } from '@mlops-actions/mlflow';

export async function main({ inputs, logger, context, setOutputs, writeSummary }: ActionHost): Promise<void> {
  const report = await mlflowGateAndRegister(readMlflowOptions(inputs, logger), {
    logger,
    provenance: { gitCommit: context.sha, workflowRunUrl: context.runUrl },
  });
  setOutputs(report.outputs);
  await writeSummary(report.summary);
  if (report.failure) throw new Error(report.failure);
}
