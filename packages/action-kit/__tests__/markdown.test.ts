import { describe, expect, it } from '@jest/globals';
import { Markdown, code, link } from '../src/markdown.js';

describe('Markdown', () => {
  it('builds headings, tables, details and links', () => {
    const md = new Markdown()
      .heading('Deployed')
      .table(
        ['step', 'result'],
        [
          ['sync | health', 'ok\nfine'],
          ['empty', undefined],
        ],
      )
      .details('State <raw>', 'body')
      .paragraph(`${link('app [prod]', 'https://argo/applications/a b')} ${code('x`y')}`)
      .toString();
    expect(md).toBe(
      [
        '## Deployed',
        '',
        '| step | result |',
        '| --- | --- |',
        '| sync \\| health | ok fine |',
        '| empty | – |',
        '',
        '<details><summary>State &lt;raw&gt;</summary>',
        '',
        'body',
        '',
        '</details>',
        '',
        '[app \\[prod\\]](https://argo/applications/a%20b) ``x`y``',
        '',
      ].join('\n'),
    );
  });

  it('is empty when nothing was added', () => {
    expect(new Markdown().toString()).toBe('');
  });
});
