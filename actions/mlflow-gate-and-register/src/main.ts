import type { ActionHost } from '@mlops-actions/action-kit/inputs';
import { mlflowGateAndRegister } from '@mlops-actions/mlflow';
import { readConfig } from './config.js';

export async function main({ inputs, logger, context, setOutputs, writeSummary }: ActionHost): Promise<void> {
  const report = await mlflowGateAndRegister(readConfig(inputs, logger), {
    logger,
    provenance: { gitCommit: context.sha, workflowRunUrl: context.runUrl },
  });
  setOutputs(report.outputs);
  await writeSummary(report.summary);
  if (report.failure) throw new Error(report.failure);
}
