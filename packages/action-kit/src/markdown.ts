/** A small builder for GitHub-flavoured markdown job summaries; pure, so domain code can use it. */
export class Markdown {
  private readonly blocks: string[] = [];

  heading(text: string, level: 1 | 2 | 3 | 4 = 2): this {
    return this.push(`${'#'.repeat(level)} ${inline(text)}`);
  }

  paragraph(text: string): this {
    return this.push(text);
  }

  /** Cells are escaped: pipes and newlines cannot break the table. */
  table(headers: readonly string[], rows: readonly (readonly (string | number | boolean | undefined)[])[]): this {
    const line = (cells: readonly unknown[]) => `| ${cells.map((cell) => cellText(cell)).join(' | ')} |`;
    return this.push([line(headers), `|${headers.map(() => ' --- ').join('|')}|`, ...rows.map(line)].join('\n'));
  }

  list(items: readonly string[]): this {
    return this.push(items.map((item) => `- ${item}`).join('\n'));
  }

  code(text: string, language = ''): this {
    const fence = text.includes('```') ? '````' : '```';
    return this.push(`${fence}${language}\n${text}\n${fence}`);
  }

  details(summary: string, body: string | Markdown): this {
    return this.push(`<details><summary>${escapeHtml(summary)}</summary>\n\n${String(body)}\n\n</details>`);
  }

  raw(markdown: string): this {
    return this.push(markdown);
  }

  toString(): string {
    return this.blocks.length ? `${this.blocks.join('\n\n')}\n` : '';
  }

  private push(block: string): this {
    this.blocks.push(block);
    return this;
  }
}

export function link(text: string, href: string): string {
  return `[${inline(text).replace(/[[\]]/g, '\\$&')}](${href.replace(/[()\s]/g, encodeURIComponent)})`;
}

export function code(text: string): string {
  const ticks = text.includes('`') ? '``' : '`';
  return `${ticks}${text}${ticks}`;
}

function cellText(cell: unknown): string {
  if (cell === undefined || cell === null || cell === '') return '–';
  return inline(String(cell)).replace(/\|/g, '\\|');
}

function inline(text: string): string {
  return text.replace(/\r?\n/g, ' ');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}
