import { describe, expect, it } from '@jest/globals';
import { runnerCommands } from '../../../test/helpers/workflow-commands.js';
import { defuseCommands, mayHoldCommand, withCommandsStopped } from '../src/workflow-commands.js';

describe('withCommandsStopped', () => {
  it('frames text with a stop token the text does not hold', () => {
    const tokens = ['abc', 'fresh'];
    const framed = withCommandsStopped('a line with abc in it\n::notice::x', () => tokens.shift()!);
    expect(framed).toBe('::stop-commands::fresh\na line with abc in it\n::notice::x\n::fresh::');
  });
});

describe('mayHoldCommand', () => {
  it("flags the runner's two command forms wherever they could start, and nothing else", () => {
    for (const text of ['::notice::x', 'diff\n   ::set-output name=a::b', 'a ##[warning]b'])
      expect(mayHoldCommand(text)).toBe(true);
    expect(mayHoldCommand('image: ghcr.io/acme/iris:1.5.0\n# a comment')).toBe(false);
  });
});

describe('defuseCommands', () => {
  const hostile = [
    '::notice::x',
    '   ::add-mask::secret',
    '::stop-commands::t',
    'a ##[warning]b',
    '\t::set-output name=a::b',
  ].join('\n');

  it('leaves the runner nothing to act on, line for line', () => {
    expect(runnerCommands(hostile).length).toBeGreaterThan(0);
    const defused = defuseCommands(hostile);
    expect(runnerCommands(defused)).toEqual([]);
    expect(defused.split('\n')).toHaveLength(5);
  });

  it('changes nothing in text without a command form', () => {
    const text = 'image: ghcr.io/acme/iris:1.5.0\nurl: http://a:b@host/x';
    expect(defuseCommands(text)).toBe(text);
  });
});
