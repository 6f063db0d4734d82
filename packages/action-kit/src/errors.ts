/** A problem with what the user asked for; its message is shown as-is, without a stack. */
export class InputError extends Error {
  override name = 'InputError';
}

/** Turns anything thrown into a one-line-first message. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}
