/**
 * The goal lines every benchmark ends with ("PASS name", "FAIL name", "MISS name") and its exit
 * code: other tooling reads both.
 */

export interface Goal {
  name: string;
  ok: boolean;
  /** A stretch goal (`required: false`) reports MISS when it is not met and leaves the exit code alone. */
  required?: boolean;
}

/** Prints one verdict line a goal; the exit code is 1 when a required goal is not met. */
export function reportGoals(goals: readonly Goal[]): void {
  for (const goal of goals) console.log(`${goal.ok ? 'PASS' : goal.required === false ? 'MISS' : 'FAIL'} ${goal.name}`);
  process.exitCode = goals.some((goal) => goal.required !== false && !goal.ok) ? 1 : 0;
}
