/**
 * CPU time of a process and its descendants (user + system), read from Linux's /proc: where a
 * benchmark's time goes between DynamoDB Local's JVM and the runner. Undefined off Linux.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

const ownTicks = (pid: number) => {
  // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
};

/** Children of every thread of the process (a child belongs to the thread that started it). */
const childrenOf = (pid: number): number[] =>
  readdirSync(`/proc/${pid}/task`).flatMap((thread) => {
    try {
      return readFileSync(`/proc/${pid}/task/${thread}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
    } catch {
      return []; // the thread has ended
    }
  });

/** A process that ends while it is being read counts as none. */
function treeTicks(pid: number): number {
  try {
    return childrenOf(pid).reduce((ticks, child) => ticks + treeTicks(child), ownTicks(pid));
  } catch {
    return 0;
  }
}

/** Milliseconds of CPU the process tree under `pid` has used so far; undefined where /proc is missing. */
export function processTreeCpuMs(pid: number): number | undefined {
  if (!existsSync(`/proc/${pid}/stat`)) return undefined;
  return (treeTicks(pid) * 1000) / TICKS_PER_SECOND;
}
