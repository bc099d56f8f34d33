import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import { ERROR_CATALOG, type ErrorCode } from '../../shared/generated/error-catalog.js';
import { FlatConstruct } from './flat-construct.js';

export interface EdgeProtectionProps {
  /** ARN of the API Gateway stage to protect. */
  stageArn: string;
}

/** The house error body, code and message from the error catalog (WAF cannot echo Request-ID). */
const body = (errorCode: ErrorCode, description: string): wafv2.CfnWebACL.CustomResponseBodyProperty => ({
  contentType: 'APPLICATION_JSON',
  content: JSON.stringify({ errorCode, message: ERROR_CATALOG[errorCode].message, description }),
});

const managed = (name: string, priority: number): wafv2.CfnWebACL.RuleProperty => ({
  name,
  priority,
  overrideAction: { none: {} },
  statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
  visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: name, sampledRequestsEnabled: true },
});

/** A WAF web ACL in front of the stage: per-client-IP rate limit and AWS's known-bad-input and IP reputation rules. */
export class EdgeProtection extends FlatConstruct {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, { stageArn }: EdgeProtectionProps) {
    super(scope, id);
    this.webAcl = new wafv2.CfnWebACL(this, 'ApiWebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'meeting-api', sampledRequestsEnabled: true },
      customResponseBodies: {
        forbidden: body('FORBIDDEN', 'The request was refused by the web application firewall.'),
        throttled: body('SERVICE_UNAVAILABLE', 'Too many requests from this address; retry later.'),
      },
      rules: [
        {
          name: 'RatePerClientIp',
          priority: 0,
          action: {
            block: {
              customResponse: {
                responseCode: 503,
                customResponseBodyKey: 'throttled',
                responseHeaders: [{ name: 'Retry-After', value: '60' }],
              },
            },
          },
          statement: { rateBasedStatement: { limit: 3000, aggregateKeyType: 'IP', evaluationWindowSec: 300 } },
          visibilityConfig: {
            cloudWatchMetricsEnabled: true,
            metricName: 'RatePerClientIp',
            sampledRequestsEnabled: true,
          },
        },
        managed('AWSManagedRulesAmazonIpReputationList', 1),
        managed('AWSManagedRulesKnownBadInputsRuleSet', 2),
      ],
    });
    new wafv2.CfnWebACLAssociation(this, 'ApiWebAclAssociation', {
      resourceArn: stageArn,
      webAclArn: this.webAcl.attrArn,
    });
  }
}
