import {
  isMap,
  isScalar,
  isSeq,
  parse,
  parseAllDocuments,
  type Document,
  type Node,
  type Pair,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';

/** A replacement of source[start, end) by text. Every change this package makes is a list of these. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/** A file that is not valid YAML: names the file and the line. */
export class YamlSyntaxError extends Error {
  override name = 'YamlSyntaxError';
  constructor(
    readonly path: string,
    readonly line: number | undefined,
    reason: string,
  ) {
    super(`${path}${line ? `:${line}` : ''} is not valid YAML: ${reason}`);
  }
}

/** An edit that cannot be made without rewriting more than the intended bytes. */
export class UneditableError extends Error {
  override name = 'UneditableError';
}

/**
 * A YAML file kept as its exact source text, with the parsed documents for navigation. Edits are
 * computed from node source ranges and spliced into the original text, so every byte outside the
 * edited scalars (comments, quoting, CRLF, anchors, `---`, Flux markers) stays as it was.
 */
export class YamlSource {
  readonly documents: Document.Parsed[];
  readonly eol: '\r\n' | '\n';

  constructor(
    readonly path: string,
    readonly text: string,
  ) {
    // Duplicate keys are errors, as for Kubernetes' own YAML reader.
    this.documents = parseAllDocuments(text) as Document.Parsed[];
    for (const document of this.documents) {
      const error = document.errors[0];
      if (error) {
        throw new YamlSyntaxError(
          path,
          error.linePos?.[0]?.line,
          error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''),
        );
      }
    }
    const firstBreak = text.indexOf('\n');
    this.eol = firstBreak > 0 && text[firstBreak - 1] === '\r' ? '\r\n' : '\n';
  }

  /** 1-based line of an offset. */
  lineOf(offset: number): number {
    let line = 1;
    for (let i = this.text.indexOf('\n'); i >= 0 && i < offset; i = this.text.indexOf('\n', i + 1)) line++;
    return line;
  }

  /** Replaces a scalar's value, keeping its quoting style (plain falls back to double quotes when it must). */
  replaceScalar(node: Scalar, value: string, options: { raw?: boolean } = {}): TextEdit {
    const [start, end] = rangeOf(node, this.path);
    return { start, end, text: options.raw ? value : this.renderLike(node, value) };
  }

  renderLike(node: Scalar, value: string): string {
    switch (node.type) {
      case 'QUOTE_DOUBLE':
        return doubleQuoted(value);
      case 'QUOTE_SINGLE':
        return `'${value.replace(/'/g, "''")}'`;
      case 'BLOCK_LITERAL':
      case 'BLOCK_FOLDED':
        throw new UneditableError(
          `${this.path}:${this.lineOf(rangeOf(node, this.path)[0])}: the value is a block scalar (| or >); write it on one line first`,
        );
      default:
        return renderPlain(value);
    }
  }

  /** Adds `key: value` to a mapping, at its start or end, at the mapping's own indentation. */
  insertPair(map: YAMLMap, key: string, valueLines: string[], where: 'first' | 'last' = 'last'): TextEdit {
    if (map.flow) return this.insertFlowPair(map, key, valueLines);
    const pairs = map.items as Pair<Scalar, Node | null>[];
    const first = pairs[0];
    if (!first) throw new UneditableError(`${this.path}: cannot add ${key} to an empty mapping`);
    const keyStart = rangeOf(first.key, this.path)[0];
    const lineStart = this.lineStart(keyStart);
    const column = keyStart - lineStart;
    const block = this.block(key, valueLines, column);
    if (where === 'first' && this.text.slice(lineStart, keyStart).trim() === '') {
      return { start: lineStart, end: lineStart, text: block + this.eol };
    }
    const last = pairs[pairs.length - 1]!;
    const end = this.endOfPair(last);
    if (end === this.text.length && !this.text.endsWith('\n')) {
      return { start: end, end, text: this.eol + block };
    }
    return { start: end, end, text: block + this.eol };
  }

  /** Removes a `key: value` pair and its line(s). */
  removePair(map: YAMLMap, pair: Pair<Scalar, Node | null>): TextEdit {
    if (map.flow)
      throw new UneditableError(`${this.path}: cannot remove ${String(pair.key.value)} from a flow mapping`);
    const keyStart = rangeOf(pair.key, this.path)[0];
    const lineStart = this.lineStart(keyStart);
    const end = this.endOfPair(pair);
    if (this.text.slice(lineStart, keyStart).trim() === '') return { start: lineStart, end, text: '' };
    // The pair opens a sequence item ("- digest: …"): pull the next key up onto the dash line.
    const pairs = map.items as Pair<Scalar, Node | null>[];
    const next = pairs[pairs.indexOf(pair) + 1];
    if (next) {
      const nextStart = rangeOf(next.key, this.path)[0];
      if (this.text.slice(end, this.lineStart(nextStart)).trim() === '')
        return { start: keyStart, end: nextStart, text: '' };
    }
    throw new UneditableError(
      `${this.path}:${this.lineOf(keyStart)}: cannot remove ${String(pair.key.value)} without touching other lines`,
    );
  }

  /** Appends an item (given as lines of a mapping) to a block sequence of mappings. */
  appendMapItem(seq: YAMLSeq, lines: string[]): TextEdit {
    const items = seq.items as Node[];
    const first = items[0];
    if (seq.flow || !first || !isMap(first)) {
      throw new UneditableError(`${this.path}: can only append to a block sequence of mappings`);
    }
    const firstKey = (first.items[0] as Pair<Scalar> | undefined)?.key;
    const keyStart = rangeOf(firstKey ?? first, this.path)[0];
    const lineStart = this.lineStart(keyStart);
    const prefix = this.text.slice(lineStart, keyStart);
    const dash = prefix.indexOf('-');
    const keyColumn = keyStart - lineStart;
    const itemLines = lines.map((line, i) =>
      i === 0 ? `${' '.repeat(dash)}-${' '.repeat(keyColumn - dash - 1)}${line}` : `${' '.repeat(keyColumn)}${line}`,
    );
    const last = items[items.length - 1]!;
    const end = this.endOfNode(last);
    const text = itemLines.join(this.eol);
    if (end === this.text.length && !this.text.endsWith('\n')) return { start: end, end, text: this.eol + text };
    return { start: end, end, text: text + this.eol };
  }

  private insertFlowPair(map: YAMLMap, key: string, valueLines: string[]): TextEdit {
    if (valueLines.length !== 1) throw new UneditableError(`${this.path}: cannot add a block value to a flow mapping`);
    const pairs = map.items as Pair<Scalar, Node | null>[];
    const last = pairs[pairs.length - 1];
    if (!last) {
      const open = rangeOf(map, this.path)[0] + 1;
      return { start: open, end: open, text: `${key}: ${valueLines[0]}` };
    }
    const end = last.value ? rangeOf(last.value, this.path)[1] : rangeOf(last.key, this.path)[1];
    return { start: end, end, text: `, ${key}: ${valueLines[0]}` };
  }

  private block(key: string, valueLines: string[], column: number): string {
    const indent = ' '.repeat(column);
    if (valueLines.length === 1) return `${indent}${key}: ${valueLines[0]}`;
    return [`${indent}${key}:`, ...valueLines.map((line) => `${indent}${line}`)].join(this.eol);
  }

  private endOfPair(pair: Pair<Scalar, Node | null>): number {
    return this.endOfNode(pair.value ?? pair.key);
  }

  /** Just after the line break that ends a node (trailing comment on its last line included). */
  private endOfNode(node: Node): number {
    const [, valueEnd] = rangeOf(node, this.path);
    if (this.text[valueEnd - 1] === '\n') return valueEnd;
    const lineBreak = this.text.indexOf('\n', valueEnd);
    return lineBreak < 0 ? this.text.length : lineBreak + 1;
  }

  private lineStart(offset: number): number {
    return this.text.lastIndexOf('\n', offset - 1) + 1;
  }
}

function rangeOf(node: Node | Scalar, path: string): [number, number, number] {
  if (!node.range) throw new UneditableError(`${path}: a node has no source position`);
  return node.range as [number, number, number];
}

/** The value as a plain scalar when YAML reads it back as the same string, else double-quoted. */
export function renderPlain(value: string): string {
  if (value !== '' && !/^\s|\s$|[\r\n]/.test(value)) {
    try {
      const back = parse(`k: ${value}\n`, { prettyErrors: false }) as { k?: unknown } | null;
      const flowBack = parse(`[${value}]\n`, { prettyErrors: false }) as unknown[] | null;
      if (back?.k === value && Array.isArray(flowBack) && flowBack.length === 1 && flowBack[0] === value) return value;
    } catch {
      // not safe as a plain scalar
    }
  }
  return doubleQuoted(value);
}

function doubleQuoted(value: string): string {
  return JSON.stringify(value);
}

/** Applies non-overlapping edits to a text. */
export function applyEdits(source: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let result = '';
  let at = 0;
  for (const edit of sorted) {
    if (edit.start < at) throw new Error('internal error: overlapping edits');
    result += source.slice(at, edit.start) + edit.text;
    at = edit.end;
  }
  return result + source.slice(at);
}

export function getPair(map: YAMLMap, key: string): Pair<Scalar, Node | null> | undefined {
  return (map.items as Pair<Scalar, Node | null>[]).find((pair) => isScalar(pair.key) && pair.key.value === key);
}

export function getMap(map: YAMLMap | undefined, key: string): YAMLMap | undefined {
  const value = map && getPair(map, key)?.value;
  return isMap(value) ? value : undefined;
}

export function getSeq(map: YAMLMap | undefined, key: string): YAMLSeq | undefined {
  const value = map && getPair(map, key)?.value;
  return isSeq(value) ? value : undefined;
}

export function getScalar(map: YAMLMap | undefined, key: string): Scalar | undefined {
  const value = map && getPair(map, key)?.value;
  return isScalar(value) ? value : undefined;
}

export function scalarString(node: Scalar | undefined): string | undefined {
  if (!node || node.value === null || node.value === undefined) return undefined;
  return String(node.value);
}
