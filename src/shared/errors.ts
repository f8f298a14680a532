/**
 * Infrastructure errors carry a stable code and say whether trying again can help. Classify by
 * `retryable`/`code`, never by `instanceof` alone (errors cross module and process boundaries).
 */
export class GatewayError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Worth retrying: the database or broker was briefly unavailable, a deadlock, a timeout. */
export class TransientError extends GatewayError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, true, options);
  }
}

/** Retrying cannot help: the message itself cannot be applied. */
export class PermanentError extends GatewayError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, false, options);
  }
}

export function isRetryable(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { retryable?: unknown }).retryable === true
  );
}

export function errorCode(error: unknown): string {
  const code =
    typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : 'INTERNAL_ERROR';
}
