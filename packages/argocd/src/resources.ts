import { InvalidValue } from '@mlops-actions/action-kit/parse';
import type { LiveResourceRef } from './client.js';
import type { ResourceCheck, ResourceSelector } from './evaluator.js';
import type { ResourceNode, ResourceTree } from './types.js';

const SELECTOR_FORM = 'one Kind/name or Kind/namespace/name a line, e.g. InferenceService/models/iris';

/** Parses one `resources` line. */
export function parseResourceSelector(line: string): ResourceSelector {
  const parts = line.split('/').map((part) => part.trim());
  if (parts.some((part) => part === '') || parts.length < 2 || parts.length > 3) throw new InvalidValue(SELECTOR_FORM);
  const [kind, a, b] = parts as [string, string, string | undefined];
  return b === undefined ? { kind, name: a } : { kind, namespace: a, name: b };
}

export function formatSelector(selector: ResourceSelector): string {
  return [selector.kind, selector.namespace, selector.name].filter(Boolean).join('/');
}

function matches(node: ResourceNode, selector: ResourceSelector): boolean {
  return (
    node.kind === selector.kind &&
    node.name === selector.name &&
    (selector.namespace === undefined || node.namespace === selector.namespace)
  );
}

/** Reads live objects that need more than Argo CD's health (InferenceService). */
export interface LiveReader {
  liveResource(resource: LiveResourceRef): Promise<Record<string, unknown>>;
}

/**
 * Checks every selector against the resource tree. An InferenceService must also be Ready=True
 * for its current generation: Argo CD's built-in health check does not compare
 * status.observedGeneration, so a Ready left over from the previous spec reads as Healthy.
 */
export async function checkResources(
  selectors: readonly ResourceSelector[],
  tree: ResourceTree,
  live: LiveReader,
): Promise<ResourceCheck[]> {
  const checks: ResourceCheck[] = [];
  for (const selector of selectors) {
    const node = (tree.nodes ?? []).find((candidate) => matches(candidate, selector));
    if (!node) {
      checks.push({ selector, healthy: false, health: 'Missing', message: 'not in the application resource tree' });
      continue;
    }
    const health = node.health?.status ?? 'Unknown';
    if (health !== 'Healthy') {
      checks.push({ selector, healthy: false, health, message: node.health?.message });
      continue;
    }
    if (selector.kind === 'InferenceService') {
      const manifest = await live.liveResource({
        group: node.group ?? 'serving.kserve.io',
        version: node.version ?? 'v1beta1',
        kind: 'InferenceService',
        namespace: node.namespace,
        name: node.name ?? selector.name,
      });
      checks.push({ selector, ...inferenceServiceReadiness(manifest) });
      continue;
    }
    checks.push({ selector, healthy: true, health });
  }
  return checks;
}

interface KubeCondition {
  type?: string;
  status?: string;
  message?: string;
  reason?: string;
}

/** Ready=True observed for metadata.generation. */
export function inferenceServiceReadiness(manifest: Record<string, unknown>): Omit<ResourceCheck, 'selector'> {
  const metadata = (manifest.metadata ?? {}) as { generation?: number };
  const status = (manifest.status ?? {}) as { observedGeneration?: number; conditions?: KubeCondition[] };
  const ready = (status.conditions ?? []).find((condition) => condition.type === 'Ready');
  if (metadata.generation !== undefined && status.observedGeneration !== metadata.generation) {
    return {
      healthy: false,
      health: 'Progressing',
      message: `KServe has not reconciled generation ${metadata.generation} yet (observedGeneration ${status.observedGeneration ?? 'unset'})`,
    };
  }
  if (ready?.status !== 'True') {
    return {
      healthy: false,
      health: 'Progressing',
      message: `Ready is ${ready?.status ?? 'missing'}${ready?.message ? `: ${ready.message}` : ''}`,
    };
  }
  return { healthy: true, health: 'Healthy' };
}
