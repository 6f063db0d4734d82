import { InvalidValue } from '@mlops-actions/action-kit/parse';

/** The REST inference protocols: KServe V1 and the Open Inference Protocol (V2). */
export type Protocol = 'v1' | 'v2';
export type ProtocolChoice = Protocol | 'auto';

export const V2_DATATYPES = [
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'FP32',
  'FP64',
  'BYTES',
] as const;

/** The paths of one model on one protocol; the model name is URL-encoded once, here. */
export function endpoints(model: string) {
  const name = encodeURIComponent(model);
  return {
    v2Live: '/v2/health/live',
    v2Ready: '/v2/health/ready',
    v2ModelReady: `/v2/models/${name}/ready`,
    v2Metadata: `/v2/models/${name}`,
    v2VersionReady: (version: string) => `/v2/models/${name}/versions/${encodeURIComponent(version)}/ready`,
    v2Infer: `/v2/models/${name}/infer`,
    v2Models: '/v2/models',
    v2RepositoryIndex: '/v2/repository/index',
    v1Model: `/v1/models/${name}`,
    v1Models: '/v1/models',
    v1Predict: `/v1/models/${name}:predict`,
  };
}

export function inferencePath(protocol: Protocol, model: string): string {
  const paths = endpoints(model);
  return protocol === 'v1' ? paths.v1Predict : paths.v2Infer;
}

/**
 * Checks a sample request's shape and says which protocol it speaks: `instances` is V1,
 * `inputs` is V2 (KServe's V1 also takes `inputs`, so an explicit v1 accepts both).
 * Throws InvalidValue with the accepted form.
 */
export function payloadProtocol(payload: unknown, choice: ProtocolChoice): Protocol {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new InvalidValue('a JSON object: {"instances": [...]} (v1) or {"inputs": [...]} (v2)');
  }
  const body = payload as Record<string, unknown>;
  const hasInstances = 'instances' in body;
  const hasInputs = 'inputs' in body;
  if (hasInstances && !Array.isArray(body.instances)) throw new InvalidValue('"instances" to be an array (v1)');
  if (hasInputs && !Array.isArray(body.inputs)) throw new InvalidValue('"inputs" to be an array (v2)');

  if (choice === 'v1') {
    if (!hasInstances && !hasInputs) throw new InvalidValue('a v1 body: {"instances": [...]}');
    return 'v1';
  }
  if (choice === 'v2') {
    if (!hasInputs) throw new InvalidValue('a v2 body: {"inputs": [{"name", "shape", "datatype", "data"}]}');
    checkV2Inputs(body.inputs as unknown[]);
    return 'v2';
  }
  if (hasInstances && hasInputs) {
    throw new InvalidValue('either "instances" (v1) or "inputs" (v2), not both; or set protocol');
  }
  if (hasInstances) return 'v1';
  if (hasInputs) {
    checkV2Inputs(body.inputs as unknown[]);
    return 'v2';
  }
  throw new InvalidValue('a JSON object with "instances" (v1) or "inputs" (v2)');
}

function checkV2Inputs(inputs: unknown[]): void {
  if (inputs.length === 0) throw new InvalidValue('at least one v2 input tensor in "inputs"');
  inputs.forEach((input, index) => {
    const where = `inputs[${index}]`;
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      throw new InvalidValue(`${where} to be a tensor {"name", "shape", "datatype", "data"}`);
    }
    const tensor = input as Record<string, unknown>;
    if (typeof tensor.name !== 'string' || tensor.name === '') throw new InvalidValue(`${where}.name to be a string`);
    if (!Array.isArray(tensor.shape) || !tensor.shape.every((d) => Number.isInteger(d) && (d as number) >= -1)) {
      throw new InvalidValue(`${where}.shape to be an array of integers`);
    }
    if (!V2_DATATYPES.includes(tensor.datatype as (typeof V2_DATATYPES)[number])) {
      throw new InvalidValue(`${where}.datatype to be one of ${V2_DATATYPES.join(', ')}`);
    }
    if (!Array.isArray(tensor.data)) throw new InvalidValue(`${where}.data to be an array`);
  });
}
