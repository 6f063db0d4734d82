import type { PipelineResult } from './pipeline.js';

/** The end-of-run report: every step, then the registry and the deployment as they ended. */
export function formatReport(result: PipelineResult, summaries: string): string {
  const lines = ['', 'Pipeline report', ''];
  const width = Math.max(...result.steps.map((step) => `${step.round} ${step.step}`.length));
  for (const step of result.steps) {
    const seconds = `${(step.durationMs / 1000).toFixed(1)}s`.padStart(7);
    lines.push(`  ${`${step.round} ${step.step}`.padEnd(width)}  ${step.outcome.padEnd(7)} ${seconds}  ${step.detail}`);
  }
  lines.push('');
  for (const round of result.rounds) {
    const auc = round.metrics.roc_auc?.toFixed(4);
    lines.push(
      round.passed
        ? `  round ${round.round}: version ${round.version} (roc_auc ${auc}) deployed at ${round.commit?.slice(0, 12)}, serving ${round.served?.modelVersion}`
        : `  round ${round.round}: blocked by the gate (roc_auc ${auc} against champion version ${round.championBefore ?? 'none'}), nothing deployed`,
    );
    if (round.latency)
      lines.push(
        `    latency p50 ${round.latency.p50} ms, p95 ${round.latency.p95} ms, p99 ${round.latency.p99} ms, ${round.latency.rps} req/s`,
      );
  }
  const aliases = Object.entries(result.aliases).map(([alias, version]) => `${alias} -> ${version}`);
  lines.push(`  aliases: ${aliases.join(', ') || 'none'}`);
  lines.push(
    result.deployed
      ? `  deployed: commit ${result.deployed.commit} serving ${result.deployed.storageUri}`
      : '  deployed: nothing',
  );
  lines.push(`  total: ${(result.totalMs / 1000).toFixed(1)}s; job summaries in ${summaries}`, '');
  return lines.join('\n');
}

/** index.md of the summaries folder: the steps in order, each linked to its job summary. */
export function formatIndex(result: PipelineResult): string {
  const rows = result.steps.map((step) => {
    const name = step.summary ? `[${step.step}](${step.summary})` : step.step;
    const detail = step.detail.replace(/\|/g, '\\|');
    return `| ${step.round} | ${name} | ${step.outcome} | ${(step.durationMs / 1000).toFixed(1)}s | ${detail} |`;
  });
  const aliases = Object.entries(result.aliases).map(([alias, version]) => `\`${alias}\` → ${version}`);
  return [
    '# Local pipeline run',
    '',
    '| round | step | outcome | time | detail |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `Aliases: ${aliases.join(', ') || 'none'}.`,
    result.deployed
      ? `Deployed: commit \`${result.deployed.commit}\` serving \`${result.deployed.storageUri}\`.`
      : 'Deployed: nothing.',
    `Total: ${(result.totalMs / 1000).toFixed(1)}s.`,
    '',
  ].join('\n');
}
