import { HttpClient, redactUrl } from '@mlops-actions/action-kit/http';
import type { ActionHost } from '@mlops-actions/action-kit/inputs';
import { checkHealth, readHealthCheckInputs, renderSummary, type HealthReport } from '@mlops-actions/kserve';

const RESPONSE_OUTPUT_LIMIT = 4096;

export async function main({ inputs, logger, setOutputs, writeSummary }: ActionHost): Promise<void> {
  const config = readHealthCheckInputs(inputs);
  const client = new HttpClient({ ...config.client, logger });
  let report: HealthReport;
  try {
    report = await checkHealth(config.check, { client, logger });
  } finally {
    await client.close();
  }

  setOutputs(outputsOf(report));
  await writeSummary(renderSummary(report, { url: redactUrl(config.url), host: config.client.hostHeader }));
  if (report.failure) throw new Error(report.failure.message);
  logger.info(`Model ${report.model} is healthy (${report.protocol})`);
}

export function outputsOf(report: HealthReport): Record<string, string | number | boolean> {
  const latency = report.load?.latency;
  const figure = (value: number | undefined) => (value === undefined ? '' : Number(value.toFixed(3)));
  return {
    ready: report.ready,
    protocol: report.protocol ?? '',
    'model-version': report.modelVersion ?? '',
    'latency-p50-ms': figure(latency?.p50),
    'latency-p95-ms': figure(latency?.p95),
    'latency-p99-ms': figure(latency?.p99),
    'error-rate': report.load ? Number(report.load.errorRate.toFixed(6)) : '',
    'requests-sent': report.load?.result.sent ?? 0,
    'requests-per-second': report.load ? Number(report.load.requestsPerSecond.toFixed(1)) : '',
    response: truncateUtf8(report.smoke?.body ?? '', RESPONSE_OUTPUT_LIMIT),
  };
}

/** At most `limit` UTF-8 bytes, never splitting a character. */
export function truncateUtf8(text: string, limit: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= limit) return text;
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, limit)).replace(/\uFFFD$/, '');
}
