import { usage } from './errors.js';

const NEWLINE = 0x0a;

const tooLong = (cap: number) => usage(`a line of stdin is longer than ${cap / 1024 / 1024} MiB; send the records in smaller batches.`);

/**
 * Reads a stream a line at a time, for a conversation: the request first,
 * then the requester's replies. Every line is capped at `limit` bytes before
 * it is kept, so a stream that never sends a newline costs no more than that.
 */
export class LineReader {
  private readonly chunks: AsyncIterator<Buffer | string>;
  private held: Buffer[] = [];
  private heldBytes = 0;
  /** Where the first newline of what is held is, or -1: each chunk is searched once, so reading stays linear. */
  private newline = -1;
  private done = false;

  constructor(
    stream: NodeJS.ReadableStream,
    private readonly limit: number,
  ) {
    this.chunks = (stream as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  }

  /** The next line without its line break (a final line may lack one), or null at the end; `limit` may cap it tighter. */
  async next(limit = this.limit): Promise<string | null> {
    const cap = Math.min(limit, this.limit);
    for (;;) {
      if (this.newline > cap || (this.newline < 0 && this.heldBytes > cap)) throw tooLong(cap);
      if (this.newline >= 0) return this.take(this.newline, 1);
      if (this.done) return this.heldBytes > 0 ? this.take(this.heldBytes, 0) : null;
      const { value, done } = await this.chunks.next();
      if (done) {
        this.done = true;
        continue;
      }
      const b = typeof value === 'string' ? Buffer.from(value) : value;
      const at = b.indexOf(NEWLINE);
      if (at >= 0) this.newline = this.heldBytes + at;
      this.held.push(b);
      this.heldBytes += b.length;
      if (this.newline < 0 && this.heldBytes > cap) throw tooLong(cap);
    }
  }

  /** Everything that is left, as one text (a request written over several lines), capped like a line. */
  async rest(): Promise<string> {
    const parts: string[] = [];
    let size = 0;
    for (let line = await this.next(); line !== null; line = await this.next()) {
      size += line.length + 1;
      if (size > this.limit) throw usage(`stdin holds more than ${this.limit / 1024 / 1024} MiB; send the records in smaller batches.`);
      parts.push(line);
    }
    return parts.join('\n');
  }

  private take(length: number, skip: number): string {
    const all = this.held.length === 1 ? this.held[0]! : Buffer.concat(this.held);
    const line = all.subarray(0, length).toString('utf8').replace(/\r$/, '');
    const left = all.subarray(length + skip);
    this.held = left.length > 0 ? [left] : [];
    this.heldBytes = left.length;
    this.newline = left.indexOf(NEWLINE);
    return line;
  }
}
