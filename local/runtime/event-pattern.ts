/**
 * EventBridge's matching of an event against a filter pattern, for the pipes' filter criteria of
 * the template: each field of the pattern names the values the event's field may take, nested
 * objects match nested fields. The pipes here use exact values only; any other operator of the
 * pattern language (prefix, anything-but, numeric, exists) is refused when the stack is read, not
 * guessed at.
 */
export class UnsupportedPatternError extends Error {}

export function assertSupportedPattern(pattern: unknown, path = ''): void {
  if (pattern === null || typeof pattern !== 'object')
    throw new UnsupportedPatternError(`pattern ${path || '(root)'} is not an object or a list`);
  if (Array.isArray(pattern)) {
    for (const value of pattern)
      if (value !== null && typeof value === 'object')
        throw new UnsupportedPatternError(`pattern ${path} uses an operator the local runner does not evaluate`);
    return;
  }
  for (const [key, inner] of Object.entries(pattern)) assertSupportedPattern(inner, `${path}.${key}`);
}

/** Whether the event matches the pattern (exact values, nested fields). */
export function matchesPattern(event: unknown, pattern: unknown): boolean {
  if (Array.isArray(pattern)) {
    const values = Array.isArray(event) ? event : [event];
    return values.some((value) => pattern.includes(value));
  }
  if (pattern === null || typeof pattern !== 'object' || event === null || typeof event !== 'object') return false;
  return Object.entries(pattern).every(([key, inner]) =>
    matchesPattern((event as Record<string, unknown>)[key], inner),
  );
}
