import { describe, expect, it } from '@jest/globals';
import { InvalidValue } from '@mlops-actions/action-kit/parse';
import { endpoints, payloadProtocol } from '../src/index.js';

const tensor = { name: 'x', shape: [1, 2], datatype: 'FP32', data: [1, 2] };

describe('payloadProtocol', () => {
  it('reads the protocol from the payload under auto', () => {
    expect(payloadProtocol({ instances: [[1, 2]] }, 'auto')).toBe('v1');
    expect(payloadProtocol({ inputs: [tensor] }, 'auto')).toBe('v2');
  });

  it("accepts KServe V1's inputs form when v1 is explicit", () => {
    expect(payloadProtocol({ inputs: [[1, 2]] }, 'v1')).toBe('v1');
  });

  it.each([
    [[1, 2], 'auto', /a JSON object/],
    [{ data: [] }, 'auto', /"instances" \(v1\) or "inputs" \(v2\)/],
    [{ instances: [1], inputs: [tensor] }, 'auto', /not both/],
    [{ instances: {} }, 'auto', /"instances" to be an array/],
    [{ instances: [[1]] }, 'v2', /a v2 body/],
    [{ inputs: [] }, 'v2', /at least one v2 input tensor/],
    [{ inputs: [{ ...tensor, datatype: 'FLOAT' }] }, 'auto', /inputs\[0\]\.datatype to be one of BOOL/],
    [{ inputs: [{ ...tensor, shape: '1,2' }] }, 'auto', /inputs\[0\]\.shape/],
    [{ inputs: [{ shape: [1], datatype: 'FP32', data: [1] }] }, 'auto', /inputs\[0\]\.name/],
  ] as const)('refuses %j under %s with the accepted form', (payload, choice, form) => {
    let error: unknown;
    try {
      payloadProtocol(payload, choice);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidValue);
    expect((error as InvalidValue).expected).toMatch(form);
  });
});

describe('endpoints', () => {
  it('encodes the model name once', () => {
    const paths = endpoints('my model');
    expect(paths.v1Predict).toBe('/v1/models/my%20model:predict');
    expect(paths.v2Infer).toBe('/v2/models/my%20model/infer');
    expect(paths.v2VersionReady('1.0/rc')).toBe('/v2/models/my%20model/versions/1.0%2Frc/ready');
  });
});
