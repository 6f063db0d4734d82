/**
 * The slices of MLflow's REST JSON this package reads (mlflow/protos/service.proto and
 * model_registry.proto). Keys are snake_case; empty fields are left out by the server, so every
 * collection is optional.
 */

/** A double as protobuf JSON writes it: non-finite values arrive as strings. */
export type WireDouble = number | 'NaN' | 'Infinity' | '-Infinity';

export interface WireMetric {
  key: string;
  value: WireDouble;
  timestamp?: number;
  step?: number;
}

export interface WireTag {
  key: string;
  value?: string;
}

export interface WireRun {
  info: {
    run_id: string;
    run_name?: string;
    experiment_id: string;
    status?: string;
    lifecycle_stage?: string;
    artifact_uri?: string;
    start_time?: number;
  };
  data?: { metrics?: WireMetric[]; tags?: WireTag[] };
  outputs?: { model_outputs?: { model_id: string; step?: number }[] };
}

export interface WireLoggedModel {
  info: {
    model_id: string;
    experiment_id?: string;
    name?: string;
    status?: string;
    status_message?: string;
    source_run_id?: string;
    artifact_uri?: string;
  };
}

export type ModelVersionStatus = 'PENDING_REGISTRATION' | 'FAILED_REGISTRATION' | 'READY';

export interface WireModelVersion {
  name: string;
  /** Always a string on the wire, in requests too. */
  version: string;
  source?: string;
  run_id?: string;
  status?: ModelVersionStatus;
  status_message?: string;
  tags?: WireTag[];
  aliases?: string[];
  model_id?: string;
  creation_timestamp?: number;
}

/**
 * The number a metric value stands for; NaN and ±Infinity are kept so the gate can refuse them.
 * MLflow's SQL store saves ±Infinity as ±DBL_MAX, so that value is read back as infinite.
 */
export function metricNumber(value: WireDouble | string | undefined): number {
  if (typeof value === 'number') {
    return Math.abs(value) === Number.MAX_VALUE ? Math.sign(value) * Number.POSITIVE_INFINITY : value;
  }
  switch (value) {
    case 'NaN':
      return Number.NaN;
    case 'Infinity':
      return Number.POSITIVE_INFINITY;
    case '-Infinity':
      return Number.NEGATIVE_INFINITY;
    default:
      return value === undefined ? Number.NaN : Number(value);
  }
}

/** A run's metrics as one value per key (the server keeps the value with the latest timestamp). */
export function runMetrics(run: WireRun): Map<string, number> {
  return new Map((run.data?.metrics ?? []).map((metric) => [metric.key, metricNumber(metric.value)]));
}

export function tagValue(tags: readonly WireTag[] | undefined, key: string): string | undefined {
  return tags?.find((tag) => tag.key === key)?.value;
}
