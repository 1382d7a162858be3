/** The standard streams a command works with; tests and --request give their own. */
export interface Io {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Set for a command that came as a request (--request -): its messages name no command-line option. */
  request?: {
    /** With `confirm`, the requester's next line after the plan (null at the end of its input). */
    reply?: (limit: number) => Promise<string | null>;
  };
}
