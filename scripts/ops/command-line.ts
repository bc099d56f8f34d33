/**
 * How the operator commands end on an error: the message after the command's name and, where the
 * call itself was wrong (a UsageError, or node:util's parseArgs refusing an option), the usage with
 * exit status 2; any other failure exits 1.
 */

/** The command was called wrongly: answered with its usage. */
export class UsageError extends Error {}

export function exitOnError(command: string, usage: string, error: unknown): never {
  const isUsage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  process.stderr.write(`${command}: ${(error as Error).message}\n${isUsage ? usage : ''}`);
  process.exit(isUsage ? 2 : 1);
}
