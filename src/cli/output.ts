import { Utf8Builder } from '../scan/utf8-builder.js';

const FLUSH_BYTES = 64 * 1024;
const FLUSH_MS = 50;

/**
 * Buffered, backpressure-aware output. Small writes are gathered into
 * chunks, but never held longer than FLUSH_MS, so consumers see records as
 * they are read. A reader that goes away (EPIPE) ends the output quietly.
 */
export class TextSink {
  // Gathered as bytes, not strings (see Utf8Builder).
  private readonly pending = new Utf8Builder(FLUSH_BYTES);
  private lastFlush = Date.now();
  private closed = false;

  constructor(private readonly stream: NodeJS.WritableStream) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') this.closed = true;
      else throw err;
    });
  }

  /** False once the reader has gone; producers may stop early. */
  get open(): boolean {
    return !this.closed;
  }

  async write(text: string): Promise<void> {
    if (this.closed) return;
    if (this.pending.length > 0 && this.pending.free < text.length * 3) await this.flush();
    this.pending.append(text);
    if (this.pending.length >= FLUSH_BYTES || Date.now() - this.lastFlush >= FLUSH_MS) await this.flush();
  }

  /** UTF-8 bytes already encoded; the sink owns them from now on. */
  async writeBytes(bytes: Uint8Array): Promise<void> {
    if (this.closed) return;
    if (bytes.length <= this.pending.free) {
      this.pending.appendBytes(bytes);
      if (this.pending.length >= FLUSH_BYTES || Date.now() - this.lastFlush >= FLUSH_MS) await this.flush();
      return;
    }
    await this.flush();
    await this.send(bytes);
  }

  async flush(): Promise<void> {
    this.lastFlush = Date.now();
    const chunk = this.pending.take();
    if (chunk) await this.send(chunk);
  }

  private async send(chunk: Uint8Array): Promise<void> {
    if (!this.closed && !this.stream.write(chunk)) await this.drained();
  }

  /** Waits for room in the stream, or for its end; an EPIPE is handled by the constructor's listener. */
  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        for (const event of ['drain', 'close', 'error']) this.stream.off(event, done);
        resolve();
      };
      for (const event of ['drain', 'close', 'error']) this.stream.once(event, done);
    });
  }
}

export type Format = 'json' | 'ndjson';

/** Writes a stream of objects as one JSON document or as NDJSON, without gathering them. */
export class ItemWriter {
  private count = 0;

  constructor(
    private readonly sink: TextSink,
    private readonly format: Format,
    private readonly listName: string,
  ) {}

  async begin(): Promise<void> {
    if (this.format === 'json') await this.sink.write(`{"schemaVersion":1,"${this.listName}":[`);
  }

  async item(value: unknown): Promise<void> {
    await this.json(JSON.stringify(value));
  }

  /** An item already serialised. */
  async json(json: string): Promise<void> {
    if (this.format === 'ndjson') await this.sink.write(`${json}\n`);
    else await this.sink.write(this.count === 0 ? `\n${json}` : `,\n${json}`);
    this.count++;
  }

  /** The separator that goes between items already serialised together (see `encoded`). */
  static separator(format: Format): string {
    return format === 'ndjson' ? '\n' : ',\n';
  }

  /** `count` items serialised elsewhere, joined by separator(format), with a final newline for NDJSON. */
  async encoded(bytes: Uint8Array, count: number): Promise<void> {
    if (count === 0) return;
    if (this.format === 'json') await this.sink.write(this.count === 0 ? '\n' : ',\n');
    await this.sink.writeBytes(bytes);
    this.count += count;
  }

  async end(): Promise<void> {
    if (this.format === 'json') await this.sink.write(this.count === 0 ? ']}\n' : '\n]}\n');
    await this.sink.flush();
  }
}

/** Progress as JSON lines on stderr, at most every 100 ms, and always the last one. */
export class ProgressReporter {
  private last = 0;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly total: number,
    private readonly activity: string,
  ) {}

  update(done: number): void {
    const now = Date.now();
    if (done < this.total && now - this.last < 100) return;
    this.last = now;
    this.stream.write(`${JSON.stringify({ type: 'progress', activity: this.activity, done, total: this.total })}\n`);
  }
}
