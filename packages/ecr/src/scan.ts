import { DescribeImageScanFindingsCommand, type DescribeImageScanFindingsCommandOutput } from '@aws-sdk/client-ecr';
import { formatDuration } from '@mlops-actions/action-kit/parse';
import { realClock, type Clock } from '@mlops-actions/action-kit/http';
import { silentLogger, type Logger } from '@mlops-actions/action-kit/logger';
import { explainEcrError } from './errors.js';
import { EcrError, describeLocation } from './location.js';
import type { EcrSend, ResolvedImage } from './resolve.js';

import { SEVERITIES, type Severity } from './severity.js';

export interface ScanGateOptions {
  maxSeverity: Severity;
  /** How long to wait for a scan in progress. Default 10 min. */
  timeoutMs?: number;
  /** Between polls. Default 10 s. */
  intervalMs?: number;
  clock?: Clock;
  logger?: Logger;
}

export interface ScanReport {
  digest: string;
  platform?: string;
  status: string;
  /** Findings per severity (CRITICAL, HIGH, …, INFORMATIONAL, UNDEFINED). */
  counts: Record<string, number>;
}

export class ScanGateError extends EcrError {
  override name = 'ScanGateError';
  constructor(
    message: string,
    readonly reports: ScanReport[] = [],
  ) {
    super(message);
  }
}

const WAITING = new Set(['IN_PROGRESS', 'PENDING']);
const DONE = new Set(['COMPLETE', 'ACTIVE']);

/**
 * Fails when a scan of the image has findings at or above `maxSeverity`. An index is judged by
 * its runnable child manifests (basic scanning cannot scan an index). A scan in progress is waited
 * for in a bounded loop (not the SDK waiter, which retries on every error and never accepts
 * ACTIVE); a missing scan is an error that says how to get one.
 */
export async function scanGate(client: EcrSend, image: ResolvedImage, options: ScanGateOptions): Promise<ScanReport[]> {
  const clock = options.clock ?? realClock;
  const timeoutMs = options.timeoutMs ?? 600_000;
  const deadline = clock.now() + timeoutMs;
  const targets = image.isIndex
    ? image.children
        .filter((child) => !child.attestation)
        .map((child) => ({ digest: child.digest, platform: child.platform }))
    : [{ digest: image.digest, platform: undefined }];
  if (targets.length === 0) throw new ScanGateError(`the index ${image.digest} has no runnable manifest to scan`);

  const reports: ScanReport[] = [];
  for (const target of targets) {
    reports.push(await waitForScan(client, image, target, deadline, timeoutMs, clock, options));
  }
  const limit = SEVERITIES.indexOf(options.maxSeverity);
  const blocking = reports.filter((report) =>
    SEVERITIES.slice(0, limit + 1).some((severity) => (report.counts[severity] ?? 0) > 0),
  );
  if (blocking.length > 0) {
    const where = blocking
      .map((r) => `${r.platform ? `${r.platform} ` : ''}${r.digest.slice(0, 19)}: ${formatCounts(r.counts)}`)
      .join('; ');
    throw new ScanGateError(
      `the ECR scan of ${describeLocation(image.location)} has findings at or above ${options.maxSeverity} (${where}): fix them and push a new image, or raise max-severity`,
      reports,
    );
  }
  return reports;
}

async function waitForScan(
  client: EcrSend,
  image: ResolvedImage,
  target: { digest: string; platform?: string },
  deadline: number,
  timeoutMs: number,
  clock: Clock,
  options: ScanGateOptions,
): Promise<ScanReport> {
  const logger = options.logger ?? silentLogger;
  const intervalMs = options.intervalMs ?? 10_000;
  const { location } = image;
  const label = `${location.repositoryName}@${target.digest}${target.platform ? ` (${target.platform})` : ''}`;
  for (;;) {
    let result: DescribeImageScanFindingsCommandOutput;
    try {
      result = await client.send(
        new DescribeImageScanFindingsCommand({
          registryId: location.registryId,
          repositoryName: location.repositoryName,
          imageId: { imageDigest: target.digest },
        }),
      );
    } catch (error) {
      if ((error as { name?: string }).name === 'ScanNotFoundException') {
        throw new ScanGateError(
          `no ECR scan exists for ${label}: turn on scan on push for the repository (or enhanced scanning for the registry), or run "aws ecr start-image-scan --repository-name ${location.repositoryName} --image-id imageDigest=${target.digest}", then re-run`,
        );
      }
      throw explainEcrError(error, 'DescribeImageScanFindings', { ...location, digest: target.digest, tag: undefined });
    }
    const status = result.imageScanStatus?.status ?? 'UNKNOWN';
    if (DONE.has(status)) {
      return {
        digest: target.digest,
        platform: target.platform,
        status,
        counts: await countFindings(client, image, target.digest, result),
      };
    }
    if (!WAITING.has(status)) {
      throw new ScanGateError(
        `the ECR scan of ${label} is ${status}${result.imageScanStatus?.description ? ` (${result.imageScanStatus.description})` : ''}: the gate cannot judge this image`,
      );
    }
    if (clock.now() + intervalMs > deadline) {
      throw new ScanGateError(
        `the ECR scan of ${label} is still ${status} after ${formatDuration(timeoutMs)}: re-run once it completes`,
      );
    }
    logger.info(`ECR scan of ${label} is ${status}; checking again in ${formatDuration(intervalMs)}`);
    await clock.sleep(intervalMs);
  }
}

/** The summary counts; enhanced scans without them are counted from their findings (a few pages at most). */
async function countFindings(
  client: EcrSend,
  image: ResolvedImage,
  digest: string,
  first: DescribeImageScanFindingsCommandOutput,
): Promise<Record<string, number>> {
  const summary = first.imageScanFindings?.findingSeverityCounts;
  if (summary && Object.keys(summary).length > 0) return { ...summary } as Record<string, number>;
  const counts: Record<string, number> = {};
  let page: DescribeImageScanFindingsCommandOutput | undefined = first;
  for (let pages = 0; page && pages < 20; pages++) {
    for (const finding of [
      ...(page.imageScanFindings?.enhancedFindings ?? []),
      ...(page.imageScanFindings?.findings ?? []),
    ]) {
      if ('status' in finding && finding.status && finding.status !== 'ACTIVE') continue;
      const severity = finding.severity ?? 'UNDEFINED';
      counts[severity] = (counts[severity] ?? 0) + 1;
    }
    if (!page.nextToken) break;
    page = await client.send(
      new DescribeImageScanFindingsCommand({
        registryId: image.location.registryId,
        repositoryName: image.location.repositoryName,
        imageId: { imageDigest: digest },
        nextToken: page.nextToken,
      }),
    );
  }
  return counts;
}

export function formatCounts(counts: Record<string, number>): string {
  const entries = Object.entries(counts).filter(([, n]) => n > 0);
  return entries.length ? entries.map(([severity, n]) => `${severity} ${n}`).join(', ') : 'no findings';
}
