/**
 * The sentence to show for a failed action. The store rejects with a `ChatError` whose `message` is
 * already in plain words; anything else (a bug, a browser error) gets a generic sentence rather
 * than a stack trace or an `[object Object]`.
 */
export function errorMessage(error: unknown): string {
  const message =
    typeof error === 'object' && error !== null && 'message' in error ? error.message : undefined;
  return typeof message === 'string' && message
    ? message
    : 'Something went wrong. Please try again.';
}
