import { Utf8Builder } from '../scan/utf8-builder.js';
import { EXIT, ExitError } from './errors.js';

const FLUSH_BYTES = 64 * 1024;
const FLUSH_MS = 50;

/**
 * Buffered, backpressure-aware output. Small writes are gathered into
 * chunks, but never held longer than FLUSH_MS, so consumers see records as
 * they are read. A reader that goes away (EPIPE) ends the output quietly;
 * any other write error (a full disk) rejects the next write, or end(), so
 * that it reaches the command's caller like every other failure.
 */
export class TextSink {
  // Gathered as bytes, not strings (see Utf8Builder).
  private readonly pending = new Utf8Builder(FLUSH_BYTES);
  private lastFlush = Date.now();
  private closed = false;
  private failure: ExitError | null = null;

  constructor(private readonly stream: NodeJS.WritableStream) {
    // A stream's error is emitted outside any write call: only recorded here, it is thrown by the writes after it.
    stream.on('error', (err: NodeJS.ErrnoException) => this.fail(err));
  }

  private fail(err: NodeJS.ErrnoException): void {
    this.closed = true;
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') return;
    this.failure ??= new ExitError(EXIT.OUTPUT, `the output cannot be written: ${err.message}.`);
  }

  /** False once the reader has gone; producers may stop early. */
  get open(): boolean {
    return !this.closed;
  }

  async write(text: string): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.closed) return;
    if (this.pending.length > 0 && this.pending.free < text.length * 3) await this.flush();
    this.pending.append(text);
    if (this.pending.length >= FLUSH_BYTES || Date.now() - this.lastFlush >= FLUSH_MS) await this.flush();
  }

  /** UTF-8 bytes already encoded; the sink owns them from now on. */
  async writeBytes(bytes: Uint8Array): Promise<void> {
    if (this.failure) throw this.failure;
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

  /** Flushes, then waits until the stream has taken everything: a write that failed rejects here. */
  async end(): Promise<void> {
    await this.flush();
    if (!this.closed) {
      // A stream calls back its writes in order, so this one's callback comes after every earlier
      // write has finished or failed. One callback at the end, not one per chunk: callbacks wait
      // for the event loop, which a scan does not reach, and each would hold its chunk until then
      // (+45 MiB at 100,000 records, npm run bench -- --only scan).
      await new Promise<void>((resolve) => this.stream.write(new Uint8Array(0), (err) => (err && this.fail(err), resolve())));
    }
    if (this.failure) throw this.failure;
  }

  private async send(chunk: Uint8Array): Promise<void> {
    if (this.closed) {
      if (this.failure) throw this.failure;
      return;
    }
    if (!this.stream.write(chunk)) await this.drained();
    if (this.failure) throw this.failure;
  }

  /** Waits for room in the stream, or for its end; an error is recorded by the constructor's listener. */
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
    await this.sink.end();
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
