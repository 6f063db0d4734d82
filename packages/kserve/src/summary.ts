import { formatDuration } from '@mlops-actions/action-kit/parse';
import { Markdown, code } from '@mlops-actions/action-kit/markdown';
import { describeDifference } from './compare.js';
import type { HealthReport } from './health-check.js';
import { formatRate, ms } from './slo.js';

export interface SummaryContext {
  /** Redacted. */
  url: string;
  host?: string;
}

/** The job summary: what was checked, the readiness timeline, the smoke result and the latency table. */
export function renderSummary(report: HealthReport, context: SummaryContext): string {
  const md = new Markdown();
  const verdict = report.passed ? '✅ healthy' : `❌ failed at ${report.failure?.stage ?? 'an unknown stage'}`;
  md.heading(`KServe health check: ${report.model} ${verdict}`, 3);
  md.list([
    `Endpoint: ${code(context.url)}${context.host ? ` (Host ${code(context.host)})` : ''}`,
    `Model: ${code(report.model)}, version ${report.modelVersion ? code(report.modelVersion) : 'not reported'}`,
    `Protocol: ${report.protocol ?? 'not detected'}`,
  ]);
  if (report.failure) md.paragraph(`**Failure:** ${report.failure.message}`);

  md.heading('Readiness', 4);
  md.table(
    ['stage', 'endpoint', 'result', 'after', 'attempts', 'last answer'],
    report.readiness.timeline.map((step) => [
      step.stage,
      code(step.endpoint),
      step.outcome,
      formatDuration(step.atMs),
      step.attempts,
      step.detail,
    ]),
  );

  if (report.smoke) {
    const smoke = report.smoke;
    md.heading('Smoke inference', 4);
    const result = smoke.passed
      ? smoke.compared
        ? 'the answer matches the expected one'
        : 'answered (no expected answer given)'
      : smoke.difference
        ? `mismatch ${describeDifference(smoke.difference)}`
        : (smoke.failure?.reason ?? 'failed');
    md.paragraph(`${code(smoke.endpoint)} → ${smoke.status ?? 'no answer'}: ${result}`);
  }

  if (report.load) {
    const { result, latency, slo } = report.load;
    md.heading('Latency', 4);
    md.table(
      ['requests', 'concurrency', 'p50', 'p95', 'p99', 'max', 'error rate', 'requests/s', 'SLO'],
      [
        [
          result.sent,
          report.load.concurrency,
          latency ? ms(latency.p50) : undefined,
          latency ? ms(latency.p95) : undefined,
          latency ? ms(latency.p99) : undefined,
          latency ? ms(latency.max) : undefined,
          formatRate(report.load.errorRate),
          report.load.requestsPerSecond.toFixed(1),
          slo.passed ? 'passed' : 'failed',
        ],
      ],
    );
    if (result.errors) {
      md.paragraph(
        `Failures: ${Object.entries(result.errorKinds)
          .map(([kind, count]) => `${count}× ${code(kind)}`)
          .join(', ')}`,
      );
    }
  }
  return md.toString();
}
