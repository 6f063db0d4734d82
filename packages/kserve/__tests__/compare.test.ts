import { describe, expect, it } from '@jest/globals';
import { compareAnswer, describeDifference } from '../src/index.js';

const v2Answer = {
  model_name: 'echo',
  model_version: null,
  id: '5f0c1e2a',
  outputs: [
    { name: 'echo', shape: [2, 2], datatype: 'FP32', data: [1, 2, 3, 4] },
    { name: 'sum', shape: [2], datatype: 'FP64', data: [3.0000001, 7] },
  ],
};

describe('compareAnswer V1', () => {
  it('matches the predictions array within the tolerance', () => {
    expect(compareAnswer('v1', [3, 7], { predictions: [3.0000004, 7] }, 1e-6)).toBeUndefined();
  });

  it('names the first differing path, the expected and the got value', () => {
    const difference = compareAnswer(
      'v1',
      [
        [0.1, 0.9],
        [0.8, 0.2],
      ],
      {
        predictions: [
          [0.1, 0.9],
          [0.7, 0.3],
        ],
      },
      1e-6,
    );
    expect(difference).toMatchObject({ path: 'predictions[1][0]', expected: 0.8, got: 0.7 });
    expect(describeDifference(difference!)).toMatch(
      /^at predictions\[1\]\[0\]: expected 0.8, got 0.7 \(differs by 0.1\d* \(tolerance 0.000001\)\)$/,
    );
  });

  it('reports a length difference after the common elements match', () => {
    expect(compareAnswer('v1', [1, 1], { predictions: [1, 1, 2] }, 0)).toMatchObject({
      path: 'predictions',
      why: 'length 3, expected 2',
    });
  });

  it('matches an object as a subset of the whole answer, extra keys ignored', () => {
    const answer = { predictions: [{ label: 'setosa', score: 0.97 }], model: 'iris' };
    expect(compareAnswer('v1', { predictions: [{ label: 'setosa' }] }, answer, 0)).toBeUndefined();
    expect(compareAnswer('v1', { predictions: [{ label: 'virginica' }] }, answer, 0)).toMatchObject({
      path: 'predictions[0].label',
      expected: 'virginica',
      got: 'setosa',
    });
    expect(compareAnswer('v1', { 'class-names': ['a'] }, answer, 0)).toMatchObject({
      path: '["class-names"]',
      why: 'missing',
    });
  });

  it('does not let a string pass for a number, or a missing predictions key pass at all', () => {
    expect(compareAnswer('v1', [1], { predictions: ['1'] }, 0)).toMatchObject({
      path: 'predictions[0]',
      why: 'not a number',
    });
    expect(compareAnswer('v1', [1], { outputs: [] }, 0)).toMatchObject({ path: 'predictions', why: 'missing' });
  });
});

describe('compareAnswer V2', () => {
  it('matches outputs by name, in any order, with shape and datatype; ignores the random id', () => {
    const expected = [
      { name: 'sum', shape: [2], datatype: 'FP64', data: [3, 7] },
      { name: 'echo', data: [1, 2, 3, 4] },
    ];
    expect(compareAnswer('v2', expected, v2Answer, 1e-6)).toBeUndefined();
    expect(compareAnswer('v2', { id: 'another', outputs: expected }, v2Answer, 1e-6)).toBeUndefined();
  });

  it('compares data row-major: nested arrays on either side are flattened', () => {
    expect(
      compareAnswer(
        'v2',
        [
          {
            name: 'echo',
            shape: [2, 2],
            data: [
              [1, 2],
              [3, 4],
            ],
          },
        ],
        v2Answer,
        0,
      ),
    ).toBeUndefined();
    const nestedAnswer = {
      outputs: [
        {
          name: 'echo',
          shape: [2, 2],
          datatype: 'FP32',
          data: [
            [1, 2],
            [3, 5],
          ],
        },
      ],
    };
    expect(compareAnswer('v2', [{ name: 'echo', data: [1, 2, 3, 4] }], nestedAnswer, 0)).toMatchObject({
      path: 'outputs["echo"].data[3]',
      expected: 4,
      got: 5,
    });
  });

  it('reports a wrong value, shape or datatype at its path', () => {
    expect(compareAnswer('v2', [{ name: 'sum', data: [3, 7.5] }], v2Answer, 1e-6)).toMatchObject({
      path: 'outputs["sum"].data[1]',
      expected: 7.5,
      got: 7,
    });
    expect(compareAnswer('v2', [{ name: 'sum', shape: [1, 2] }], v2Answer, 0)).toMatchObject({
      path: 'outputs["sum"].shape',
    });
    expect(compareAnswer('v2', [{ name: 'sum', datatype: 'FP32' }], v2Answer, 0)).toMatchObject({
      path: 'outputs["sum"].datatype',
      expected: 'FP32',
      got: 'FP64',
    });
  });

  it('names the outputs there are when the expected one is missing', () => {
    const difference = compareAnswer('v2', [{ name: 'probabilities', data: [1] }], v2Answer, 0);
    expect(difference).toMatchObject({ path: 'outputs["probabilities"]' });
    expect(difference!.why).toBe('no output named probabilities (outputs: echo, sum)');
  });

  it('compares other top-level keys as a subset (model_name), never the id', () => {
    expect(compareAnswer('v2', { model_name: 'iris', outputs: [] }, v2Answer, 0)).toMatchObject({
      path: 'model_name',
      expected: 'iris',
      got: 'echo',
    });
  });
});
