import { RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';

export const STAGE_NAMES = ['dev', 'prod'] as const;
export type StageName = (typeof STAGE_NAMES)[number];

/** The CDK context key: `cdk deploy -c stage=prod`. */
export const STAGE_CONTEXT_KEY = 'stage';
export const DEFAULT_STAGE: StageName = 'dev';

export interface StageSettings {
  name: StageName;
  /** What deleting the stack does to the table, the user pool and the log groups. */
  removalPolicy: RemovalPolicy;
  /** The table's deletion protection: a console or API delete is refused until it is turned off. */
  tableDeletionProtection: boolean;
  logRetention: logs.RetentionDays;
}

/**
 * prod keeps its data whatever happens to the stack; dev is a place to try things and may be
 * destroyed whole. Both keep point-in-time recovery (its cost is a fraction of the storage's).
 */
const STAGES: Record<StageName, StageSettings> = {
  dev: {
    name: 'dev',
    removalPolicy: RemovalPolicy.DESTROY,
    tableDeletionProtection: false,
    logRetention: logs.RetentionDays.ONE_WEEK,
  },
  prod: {
    name: 'prod',
    removalPolicy: RemovalPolicy.RETAIN,
    tableDeletionProtection: true,
    logRetention: logs.RetentionDays.THREE_MONTHS,
  },
};

/** A `-c` setting of the app that is missing or malformed: the synth stops with this message alone. */
export class ContextError extends Error {}

const isStageName = (value: unknown): value is StageName => STAGE_NAMES.includes(value as StageName);

/** The stage a construct is built for, from the app's context (default dev); an unknown name fails the synth. */
export function stageOf(scope: IConstruct): StageSettings {
  const value: unknown = scope.node.tryGetContext(STAGE_CONTEXT_KEY) ?? DEFAULT_STAGE;
  if (!isStageName(value))
    throw new ContextError(`-c stage must be one of ${STAGE_NAMES.join(', ')}; got "${String(value)}"`);
  return STAGES[value];
}
