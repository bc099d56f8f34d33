import { CfnOutput, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { Construct } from 'constructs';
import { USAGE_PLAN_IDS_OUTPUT, USAGE_PLANS } from '../../shared/auth/api-keys.js';

export interface PartnerKeysProps {
  api: apigateway.RestApi;
  /** Goes into the plans' names: two stages in one account keep apart. */
  stageName: string;
}

/**
 * The usage plans of shared/auth/api-keys.ts on the API's stage, whether keys are required or not
 * (they meter only methods that require a key). Keys are not part of the stack:
 * `npm run -s api-key -- --stack NAME` creates each one and binds it to its plan (the output
 * UsagePlanIds tells it which plan is which).
 */
export class PartnerKeys extends Construct {
  readonly usagePlans: Record<string, apigateway.UsagePlan> = {};

  constructor(scope: Construct, id: string, { api, stageName }: PartnerKeysProps) {
    super(scope, id);
    for (const [name, plan] of Object.entries(USAGE_PLANS)) {
      this.usagePlans[name] = api.addUsagePlan(`UsagePlan-${name}`, {
        name: `meeting-api-${stageName}-${name}`,
        description: `Partner plan ${name}: ${plan.rateLimit} requests/s (burst ${plan.burstLimit}), ${plan.dailyQuota} a day`,
        throttle: { rateLimit: plan.rateLimit, burstLimit: plan.burstLimit },
        quota: { limit: plan.dailyQuota, period: apigateway.Period.DAY },
        apiStages: [{ api, stage: api.deploymentStage }],
      });
    }
    const output = new CfnOutput(this, USAGE_PLAN_IDS_OUTPUT, {
      description: 'The usage plan of each plan name, for npm run api-key -- --stack',
      value: Stack.of(this).toJsonString(
        Object.fromEntries(Object.entries(this.usagePlans).map(([name, plan]) => [name, plan.usagePlanId])),
      ),
    });
    output.overrideLogicalId(USAGE_PLAN_IDS_OUTPUT);
  }
}
