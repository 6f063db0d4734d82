/**
 * Splits a streamed HTTP body into messages. Two framings are understood, chosen by the response
 * Content-Type: Server-Sent Events (`data: …` lines ended by a blank line, `:` comment lines as
 * keep-alives) and newline-delimited JSON (one message a line).
 */
export type StreamChunk = { kind: 'message'; data: string } | { kind: 'keepalive' };

export class StreamDecoder {
  private buffer = '';
  private data: string[] = [];
  private readonly decoder = new TextDecoder();

  constructor(private readonly framing: 'sse' | 'ndjson') {}

  static forContentType(contentType: string | null): StreamDecoder {
    return new StreamDecoder(/text\/event-stream/i.test(contentType ?? '') ? 'sse' : 'ndjson');
  }

  push(bytes: Uint8Array): StreamChunk[] {
    this.buffer += this.decoder.decode(bytes, { stream: true });
    const chunks: StreamChunk[] = [];
    let newline: number;
    while ((newline = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, newline).replace(/\r$/, '');
      this.buffer = this.buffer.slice(newline + 1);
      const chunk = this.framing === 'sse' ? this.sseLine(line) : this.ndjsonLine(line);
      if (chunk) chunks.push(chunk);
    }
    return chunks;
  }

  private ndjsonLine(line: string): StreamChunk | undefined {
    return line.trim() === '' ? undefined : { kind: 'message', data: line };
  }

  private sseLine(line: string): StreamChunk | undefined {
    if (line === '') {
      if (this.data.length === 0) return undefined;
      const data = this.data.join('\n');
      this.data = [];
      return { kind: 'message', data };
    }
    if (line.startsWith(':')) return { kind: 'keepalive' };
    if (line.startsWith('data:')) this.data.push(line.slice(5).replace(/^ /, ''));
    // `event:`, `id:` and `retry:` fields are not used by Argo CD.
    return undefined;
  }
}
