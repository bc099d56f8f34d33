import { CfnOutput } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { GATEWAY_RESPONSES } from '../../shared/http/gateway-responses.js';
import type { Route } from '../../shared/routes.js';

export interface MeetingRestApiProps {
  restApiName: string;
  accessLogs: logs.ILogGroup;
  authorizer: apigateway.IAuthorizer;
  customDomain?: { domainName: string; certificateArn: string };
  /** Methods need a partner key, which the authorizer names (apiKeySource AUTHORIZER). */
  requireApiKey?: boolean;
}

/**
 * The REST API and its v1 stage: throttled, traced, JSON access logs, and gateway errors in the
 * house body. A RestApi itself, not a wrapper: Lambda permissions are named after the API's path.
 */
export class MeetingRestApi extends apigateway.RestApi {
  private readonly authorizer: apigateway.IAuthorizer;
  private readonly requireApiKey: boolean;

  constructor(
    scope: Construct,
    id: string,
    { restApiName, accessLogs, authorizer, customDomain, requireApiKey = false }: MeetingRestApiProps,
  ) {
    super(scope, id, {
      restApiName,
      description: 'Meeting API 1.0',
      cloudWatchRole: true,
      ...(requireApiKey ? { apiKeySourceType: apigateway.ApiKeySourceType.AUTHORIZER } : {}),
      deployOptions: {
        stageName: 'v1',
        tracingEnabled: true,
        throttlingRateLimit: 100,
        throttlingBurstLimit: 200,
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        metricsEnabled: true,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
      },
    });
    this.authorizer = authorizer;
    this.requireApiKey = requireApiKey;
    for (const [type, spec] of Object.entries(GATEWAY_RESPONSES)) {
      this.addGatewayResponse(`Gateway${type}`, {
        type: apigateway.ResponseType.of(type),
        statusCode: String(spec.status),
        responseHeaders: {
          'Request-ID': 'method.request.header.Request-ID',
          'Content-Type': "'application/json'",
          ...Object.fromEntries(
            Object.entries('headers' in spec ? spec.headers : {}).map(([name, value]) => [name, `'${value}'`]),
          ),
        },
        templates: { 'application/json': JSON.stringify(spec.body) },
      });
    }
    if (customDomain) {
      // At the domain's root: https://<domainName>/meetings reaches the v1 stage.
      const domain = this.addDomainName('CustomDomain', {
        domainName: customDomain.domainName,
        certificate: acm.Certificate.fromCertificateArn(this, 'CustomDomainCertificate', customDomain.certificateArn),
        endpointType: apigateway.EndpointType.REGIONAL,
        securityPolicy: apigateway.SecurityPolicy.TLS_1_2,
      });
      const target = new CfnOutput(this, 'CustomDomainTarget', {
        description: `Point ${customDomain.domainName} here (a CNAME, or a Route 53 alias)`,
        value: domain.domainNameAliasDomainName,
      });
      target.overrideLogicalId('CustomDomainTarget');
    }
  }

  /**
   * The route's method, behind the token authorizer, integrated with its function; a route of
   * scope none (a calendar app's feed) has no authorizer and no partner key: its secret address
   * is the credential, and the WAF's rate rule covers it as every method.
   */
  addRoute(route: Route, handler: lambda.IFunction): apigateway.Method {
    const open = route.scope === 'none';
    return this.root.resourceForPath(route.path).addMethod(route.method, new apigateway.LambdaIntegration(handler), {
      ...(open
        ? { authorizationType: apigateway.AuthorizationType.NONE }
        : { authorizer: this.authorizer, authorizationType: apigateway.AuthorizationType.CUSTOM }),
      operationName: route.operationId,
      apiKeyRequired: open ? false : this.requireApiKey,
      // Declared so gateway responses can echo it; the handler validates it (after the token, per contract).
      requestParameters: { 'method.request.header.Request-ID': false },
    });
  }
}
