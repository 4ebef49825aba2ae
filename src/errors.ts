/**
 * One error type for everything hotpath rejects.
 *
 * Message form: `<kernel>: <problem>, expected <X>, received <Y>; hint: <action>`.
 * The `code` is stable and meant for programs; the message is for people and is pinned by
 * snapshot tests so that wording changes are reviewed.
 */

export type ErrorCode =
  | 'SHAPE'
  | 'DTYPE'
  | 'LAYOUT'
  | 'LIFETIME'
  | 'BACKEND'
  | 'FORMAT'
  | 'ARGUMENT'
  | 'MISMATCH'
  | 'MEMORY'
  | 'IO'
  /** A user kernel's source cannot be compiled (with file:line:col, the line and a caret). */
  | 'COMPILE'
  /** A bounded buffer with overflow policy 'throw' was offered more than it has room for. */
  | 'OVERFLOW';

export interface ErrorDetails {
  code: ErrorCode;
  /** Kernel id or API name the error belongs to, e.g. `matmul` or `tensor.reshape`. */
  kernel: string;
  /** What is wrong, without the expected/received pair. */
  problem: string;
  expected?: string;
  received?: string;
  hint?: string;
  /** The error this one reports (e.g. what a user kernel's body threw), kept as `error.cause`. */
  cause?: unknown;
}

export class HotpathError extends Error {
  readonly code: ErrorCode;
  readonly kernel: string;
  readonly problem: string;
  readonly expected: string | undefined;
  readonly received: string | undefined;
  readonly hint: string | undefined;

  constructor(details: ErrorDetails) {
    super(formatMessage(details), details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'HotpathError';
    this.code = details.code;
    this.kernel = details.kernel;
    this.problem = details.problem;
    this.expected = details.expected;
    this.received = details.received;
    this.hint = details.hint;
  }
}

function formatMessage(d: ErrorDetails): string {
  let text = `${d.kernel}: ${d.problem}`;
  if (d.expected !== undefined) {
    text += `, expected ${d.expected}`;
  }
  if (d.received !== undefined) {
    text += `, received ${d.received}`;
  }
  if (d.hint !== undefined) {
    text += `; hint: ${d.hint}`;
  }
  return text;
}

/** Throws a HotpathError. Typed `never` so callers can use it in expressions. */
export function fail(details: ErrorDetails): never {
  throw new HotpathError(details);
}

export function isHotpathError(value: unknown): value is HotpathError {
  return value instanceof HotpathError;
}
