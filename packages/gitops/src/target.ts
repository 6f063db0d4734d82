import { isAlias, type Node, type Pair, type Scalar } from 'yaml';
import { BumpError } from './errors.js';
import type { TextEdit, YamlSource } from './yaml-text.js';

/** One intended value change, for logs, the summary and the commit trailers. */
export interface FieldChange {
  /** Where, e.g. `spec.predictor.containers[kserve-container].image`. */
  field: string;
  before?: string;
  after: string;
}

/** The edits one target needs in one file, plus what it found there. */
export interface TargetEdits {
  edits: TextEdit[];
  changes: FieldChange[];
  previousImage?: string;
  previousStorageUri?: string;
  warnings: string[];
}

export function emptyEdits(): TargetEdits {
  return { edits: [], changes: [], warnings: [] };
}

/**
 * Sets a scalar when it differs. Aliases are refused (the edit would land on another node); an
 * anchored value is edited in place with a warning, since its aliases follow it.
 */
export function setScalar(
  source: YamlSource,
  result: TargetEdits,
  pair: Pair<Scalar, Node | null>,
  field: string,
  after: string,
  options: { raw?: boolean } = {},
): string | undefined {
  const node = pair.value;
  if (isAlias(node)) {
    throw new BumpError(
      `${source.path}: ${field} is the alias *${node.source}; edit the anchored value &${node.source} instead`,
    );
  }
  if (!node || !('value' in node) || (node.value !== null && typeof node.value === 'object')) {
    throw new BumpError(`${source.path}: ${field} is not a single value`);
  }
  const scalar = node as Scalar;
  const before = scalar.value === null || scalar.value === undefined ? undefined : String(scalar.value);
  if (before === after) return before;
  if (scalar.anchor)
    result.warnings.push(`${source.path}: ${field} carries the anchor &${scalar.anchor}; its aliases change too`);
  result.edits.push(source.replaceScalar(scalar, after, options));
  result.changes.push({ field, before, after });
  return before;
}
