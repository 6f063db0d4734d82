import { describe, expect, it } from '@jest/globals';
import { StreamDecoder } from '../src/event-stream.js';
import { checkResources, inferenceServiceReadiness, parseResourceSelector } from '../src/resources.js';
import { parseGatewayError } from '../src/errors.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('StreamDecoder', () => {
  it('splits SSE messages across chunk boundaries and reports keep-alive comments', () => {
    const decoder = StreamDecoder.forContentType('text/event-stream');
    expect(decoder.push(bytes('data: {"a"'))).toEqual([]);
    expect(decoder.push(bytes(':1}\n'))).toEqual([]);
    expect(decoder.push(bytes('\n:\n\ndata: {"b":2}\r\n\r\n'))).toEqual([
      { kind: 'message', data: '{"a":1}' },
      { kind: 'keepalive' },
      { kind: 'message', data: '{"b":2}' },
    ]);
  });

  it('reads NDJSON one message a line, skipping blank lines', () => {
    const decoder = StreamDecoder.forContentType('application/json');
    expect(decoder.push(bytes('{"a":1}\n\n{"b"'))).toEqual([{ kind: 'message', data: '{"a":1}' }]);
    expect(decoder.push(bytes(':2}\n'))).toEqual([{ kind: 'message', data: '{"b":2}' }]);
  });

  it('keeps a multi-byte character split across chunks intact', () => {
    const decoder = new StreamDecoder('ndjson');
    const all = bytes('{"m":"é"}\n');
    expect(decoder.push(all.slice(0, 7))).toEqual([]);
    expect(decoder.push(all.slice(7))).toEqual([{ kind: 'message', data: '{"m":"é"}' }]);
  });
});

describe('parseGatewayError', () => {
  it('reads unary and stream error bodies', () => {
    expect(
      parseGatewayError('{"error":"permission denied","code":7,"message":"permission denied","details":[]}'),
    ).toEqual({ grpcCode: 7, message: 'permission denied' });
    expect(
      parseGatewayError(
        '{"error":{"grpc_code":16,"http_code":401,"message":"no session information","http_status":"Unauthorized"}}',
      ),
    ).toEqual({ grpcCode: 16, message: 'no session information' });
    expect(parseGatewayError('<html>bad gateway</html>')).toEqual({});
  });
});

describe('resources', () => {
  it('parses Kind/name and Kind/namespace/name, and refuses anything else', () => {
    expect(parseResourceSelector('InferenceService/iris')).toEqual({ kind: 'InferenceService', name: 'iris' });
    expect(parseResourceSelector('Deployment/models/iris')).toEqual({
      kind: 'Deployment',
      namespace: 'models',
      name: 'iris',
    });
    for (const bad of ['iris', 'a/b/c/d', 'Deployment//iris'])
      expect(() => parseResourceSelector(bad)).toThrow(/Kind\/name/);
  });

  it('needs an InferenceService Ready for its current generation', () => {
    const isvc = (generation: number, observed: number, ready: string) => ({
      metadata: { generation },
      status: { observedGeneration: observed, conditions: [{ type: 'Ready', status: ready }] },
    });
    expect(inferenceServiceReadiness(isvc(3, 3, 'True'))).toEqual({ healthy: true, health: 'Healthy' });
    expect(inferenceServiceReadiness(isvc(3, 2, 'True'))).toMatchObject({ healthy: false, message: /generation 3/ });
    expect(inferenceServiceReadiness(isvc(3, 3, 'False'))).toMatchObject({ healthy: false, message: /Ready is False/ });
  });

  it('checks selectors against the resource tree and reads InferenceServices live', async () => {
    const read: string[] = [];
    const checks = await checkResources(
      [
        { kind: 'InferenceService', namespace: 'models', name: 'iris' },
        { kind: 'ConfigMap', name: 'iris-config' },
        { kind: 'Service', name: 'absent' },
      ],
      {
        nodes: [
          {
            kind: 'InferenceService',
            namespace: 'models',
            name: 'iris',
            group: 'serving.kserve.io',
            version: 'v1beta1',
            health: { status: 'Healthy' },
          },
          {
            kind: 'ConfigMap',
            namespace: 'models',
            name: 'iris-config',
            health: { status: 'Progressing', message: 'pending' },
          },
        ],
      },
      {
        liveResource: async (ref) => {
          read.push(`${ref.kind}/${ref.namespace}/${ref.name}`);
          return {
            metadata: { generation: 2 },
            status: { observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True' }] },
          };
        },
      },
    );
    expect(read).toEqual(['InferenceService/models/iris']);
    expect(checks.map((c) => [c.selector.name, c.healthy, c.health])).toEqual([
      ['iris', false, 'Progressing'],
      ['iris-config', false, 'Progressing'],
      ['absent', false, 'Missing'],
    ]);
  });
});
