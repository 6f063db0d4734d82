import type { HttpClient } from '@mlops-actions/action-kit/http';
import { describeOutcome, probe } from './probe.js';
import { endpoints } from './protocol.js';

/** `versions` of V2 model metadata (KServe, MLServer, Triton); some servers also send `version`. */
export function reportedVersions(metadata: unknown): string[] {
  if (metadata === null || typeof metadata !== 'object') return [];
  const doc = metadata as { versions?: unknown; version?: unknown };
  const versions = Array.isArray(doc.versions) ? doc.versions.filter((v): v is string => typeof v === 'string') : [];
  if (typeof doc.version === 'string' && !versions.includes(doc.version)) versions.push(doc.version);
  return versions;
}

/**
 * True when the model serves `wanted`: its metadata lists it (KServe, Triton), or the versioned
 * ready endpoint says so (MLServer keeps the version out of the metadata). Otherwise why not,
 * for the log: during a rollout the old version answers for a while.
 */
export async function servesVersion(
  client: HttpClient,
  model: string,
  wanted: string,
  reported: string[],
  timeoutMs: number,
): Promise<true | string> {
  if (reported.includes(wanted)) return true;
  const path = endpoints(model).v2VersionReady(wanted);
  const outcome = await probe(client, path, { timeoutMs });
  if (outcome.kind === 'answer' && outcome.status === 200) return true;
  const versions = reported.length ? `version ${reported.join(', ')}` : 'no version';
  return `the model metadata reports ${versions} and GET ${path} answered ${describeOutcome(outcome)}: waiting for version ${wanted}`;
}
