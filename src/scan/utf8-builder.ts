/**
 * UTF-8 text built up in a buffer outside the JavaScript heap. Each string
 * appended is encoded at once and can be collected young; output held in
 * strings instead survives collections, and a long scan then grows V8's
 * young generation (npm run bench -- --only scan).
 */
export class Utf8Builder {
  private buf: Buffer | null = null;
  private used = 0;

  constructor(private readonly capacity = 64 * 1024) {}

  /** Bytes appended since the last take(). */
  get length(): number {
    return this.used;
  }

  /** The room left before the buffer must grow or be taken. */
  get free(): number {
    return (this.buf?.length ?? this.capacity) - this.used;
  }

  append(text: string): void {
    // A UTF-16 code unit never takes more than 3 bytes of UTF-8.
    const most = text.length * 3;
    if (!this.buf || this.used + most > this.buf.length) this.grow(most);
    this.used += (this.buf as Buffer).write(text, this.used, 'utf8');
  }

  appendBytes(bytes: Uint8Array): void {
    if (!this.buf || this.used + bytes.length > this.buf.length) this.grow(bytes.length);
    (this.buf as Buffer).set(bytes, this.used);
    this.used += bytes.length;
  }

  /** The bytes appended so far, in place: the next append may move them. */
  view(): Buffer {
    return this.buf ? this.buf.subarray(0, this.used) : Buffer.alloc(0);
  }

  /**
   * The bytes appended so far, over a buffer of their own that may be
   * transferred to another thread, or null when there are none. The builder
   * starts over with a new buffer.
   */
  take(): Buffer | null {
    if (!this.buf || this.used === 0) return null;
    const bytes = this.buf.subarray(0, this.used);
    this.buf = null;
    this.used = 0;
    return bytes;
  }

  private grow(needed: number): void {
    let size = this.buf?.length ?? this.capacity;
    while (size - this.used < needed) size *= 2;
    // allocUnsafeSlow: never a slice of Node's shared pool, so transferring it moves nothing else.
    const next = Buffer.allocUnsafeSlow(size);
    this.buf?.copy(next, 0, 0, this.used);
    this.buf = next;
  }
}
