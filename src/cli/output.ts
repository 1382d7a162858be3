import type { KmsRecord } from '../records/record.js';
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

  /**
   * Gathers text for the next flush without flushing: a document's opening, which no reader
   * waits for. Written at once, it would fail on a full disk before a reset had changed its
   * record, or after, depending only on how long the records took to find.
   */
  hold(text: string): void {
    if (!this.closed) this.pending.append(text);
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

  begin(): void {
    if (this.format === 'json') this.sink.hold(`{"schemaVersion":1,"${this.listName}":[`);
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

/** True when `stream` is a terminal: a person reads it, not a program. */
export function isTerminal(stream: NodeJS.WritableStream): boolean {
  return (stream as { isTTY?: unknown }).isTTY === true;
}

// Column widths of the table; with the gaps it stays within 100 columns. STATE and NUMSCERTS hold
// any 32-bit value whole (-2147483648), so a number is never cut.
const COLUMNS = [
  { title: 'ID', width: 16 },
  { title: 'MAILBOX', width: 34 },
  { title: 'STATE', width: 11 },
  { title: 'NUMSCERTS', width: 11 },
  { title: 'STUCK', width: 5 },
  { title: 'WARNINGS', width: 13 },
] as const;
const GAP = '  ';

/**
 * Control characters and bidirectional overrides in a record's values would reach the terminal
 * as commands (a colour, a cleared screen, text shown reversed); each is shown as `?`.
 */
// eslint-disable-next-line no-control-regex -- the control characters are what is replaced
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `text` fitted to `width` characters: cut at the end, or at the start where the end says more (a DN's last cn=). */
function fit(text: string, width: number, keepEnd = false): string {
  const chars = Array.from(text.replace(UNPRINTABLE, '?'));
  if (chars.length <= width) return chars.join('').padEnd(width);
  return keepEnd ? `…${chars.slice(chars.length - width + 1).join('')}` : `${chars.slice(0, width - 1).join('')}…`;
}

/**
 * What `get` prints for a person at a terminal: one line per record, as the scan reads them,
 * then how many are stuck. Programs get JSON (ItemWriter); this view is never parsed.
 */
export class RecordTable {
  private shown = 0;
  private stuck = 0;
  private readonly decoder = new TextDecoder();

  constructor(
    private readonly sink: TextSink,
    /** How many records the scan reads. */
    private readonly total: number,
    /** True when --mailbox chooses the records shown. */
    private readonly byMailbox: boolean,
  ) {}

  async begin(): Promise<void> {
    await this.line(COLUMNS.map((c) => c.title));
  }

  async item(r: KmsRecord): Promise<void> {
    this.shown++;
    if (r.affected) this.stuck++;
    const state = r.state === null ? '-' : r.stateName === null ? String(r.state) : `${r.state} ${r.stateName}`;
    await this.line([
      r.id,
      r.mailbox ?? '-',
      state,
      r.numSCerts === null ? '-' : String(r.numSCerts),
      r.affected ? 'yes' : 'no',
      r.warnings.map((w) => w.code).join(','),
    ]);
  }

  /** Records the reader threads serialised as NDJSON (ItemWriter.separator('ndjson')). */
  async encoded(bytes: Uint8Array): Promise<void> {
    for (const json of this.decoder.decode(bytes).split('\n')) if (json !== '') await this.item(JSON.parse(json) as KmsRecord);
  }

  async end(): Promise<void> {
    await this.sink.write(`${this.summary()}\n`);
    await this.sink.end();
  }

  private summary(): string {
    const are = (n: number) => (n === 1 ? 'is' : 'are');
    const records = (n: number) => `${n} record${n === 1 ? '' : 's'}`;
    if (this.byMailbox) return `${this.shown} of ${records(this.total)} match --mailbox; ${this.stuck} of them ${are(this.stuck)} stuck.`;
    return `${this.stuck} of ${records(this.total)} ${are(this.stuck)} stuck.`;
  }

  private async line(cells: readonly string[]): Promise<void> {
    const text = cells.map((cell, i) => fit(cell, COLUMNS[i]?.width ?? 0, i === 1)).join(GAP);
    await this.sink.write(`${text.trimEnd()}\n`);
  }
}
