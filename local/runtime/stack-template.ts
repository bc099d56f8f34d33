/**
 * Reads what the local runner runs from the synthesized template: each function (its bundle,
 * handler, environment, timeout, memory and role policies), the REST API (resources, methods,
 * authorizer, gateway responses), the pipes' stream filters and the functions fed by a table's
 * stream. CloudFormation's intrinsic functions are resolved with the local values of
 * local-values.ts (template-resolver.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TableRole } from '../../shared/dynamodb/table-definition.js';
import { localArn, type LocalAccount, type LocalTable } from './local-values.js';
import {
  attributeTargets,
  refTarget,
  resolver,
  TemplateError,
  text,
  type Json,
  type Template,
} from './template-resolver.js';

export { TemplateError } from './template-resolver.js';

export interface PolicyDocument {
  Version?: string;
  Statement: Array<Record<string, unknown>>;
}

export interface DeployedFunction {
  logicalId: string;
  /** Its folder under functions/ (the construct's metadata). */
  sourceName: string;
  /** The bundle's folder in the cloud assembly. */
  bundleDir: string;
  handler: string;
  timeoutSeconds: number;
  memoryMb: number;
  /** The template's variables, resolved (issuer settings still the stack's). */
  environment: Record<string, string>;
  /** Its role (the policies are the stack's `roles` entry of this ARN). */
  roleArn: string;
}

export interface DeployedMethod {
  httpMethod: string;
  /** The resource path, e.g. /meetings/{meetingId}. */
  path: string;
  operationName: string;
  functionLogicalId: string;
  authorizerLogicalId?: string;
  apiKeyRequired: boolean;
}

export interface DeployedAuthorizer {
  functionLogicalId: string;
  /** The request headers that make up its identity (method.request.header.X). */
  identityHeaders: string[];
  resultTtlSeconds: number;
}

export interface DeployedGatewayResponse {
  status: number;
  /** Header name -> a fixed value, or the request header it echoes. */
  headers: Record<string, { value: string } | { requestHeader: string }>;
  body: string;
}

export interface DeployedStream {
  /** The pipe's role: the stream is read with it. */
  roleArn: string;
  /** Where the pipe sends the records (a queue or an event bus ARN). */
  target: string;
  filterPatterns: unknown[];
}

/** A Lambda event source mapping on a table's stream (a DynamoDB stream feeding a function). */
export interface DeployedStreamSource {
  functionLogicalId: string;
  streamArn: string;
  filterPatterns: unknown[];
  batchSize: number;
  startingPosition: 'LATEST' | 'TRIM_HORIZON';
  /** Attempts after the first before the record is given up (-1: until it expires). */
  maximumRetryAttempts: number;
}

export interface DeployedStack {
  account: LocalAccount;
  /** The REST API's stage (its name is part of every method ARN and event path). */
  stageName: string;
  /** The REST API's id (its local Ref). */
  restApiId: string;
  functions: Map<string, DeployedFunction>;
  methods: DeployedMethod[];
  authorizers: Map<string, DeployedAuthorizer>;
  gatewayResponses: Map<string, DeployedGatewayResponse>;
  streamPipes: DeployedStream[];
  streamSources: DeployedStreamSource[];
  /** Every role of the template by its local ARN (functions' and pipes'). */
  roles: Map<string, Array<{ name: string; policy: PolicyDocument }>>;
}

/** The stack's function built from functions/<sourceName>. */
export function functionFrom(stack: Pick<DeployedStack, 'functions'>, sourceName: string): DeployedFunction {
  const found = [...stack.functions.values()].find((fn) => fn.sourceName === sourceName);
  if (!found) throw new TemplateError(`the template has no ${sourceName} function`);
  return found;
}

export function readDeployedStack(
  assemblyDir: string,
  templateFile: string,
  account: LocalAccount,
  tables: Record<TableRole, LocalTable>,
): DeployedStack {
  const template = JSON.parse(readFileSync(templateFile, 'utf8')) as Template;
  const tableOf = (logicalId: string): LocalTable => {
    const role = template.Resources[logicalId]?.Metadata?.['meeting-api:table'];
    const table = typeof role === 'string' ? tables[role as TableRole] : undefined;
    if (!table) throw new TemplateError(`table ${logicalId} has no meeting-api:table role the local runner knows`);
    return table;
  };
  const resolve = resolver(template, account, tableOf);
  const resources = Object.entries(template.Resources);
  const ofType = (type: string) => resources.filter(([, resource]) => resource.Type === type);

  const roles = new Map<string, Array<{ name: string; policy: PolicyDocument }>>();
  const roleArnOf = (roleLogicalId: string) => localArn('AWS::IAM::Role', roleLogicalId, account);
  for (const [id, role] of ofType('AWS::IAM::Role')) {
    const inline = (role.Properties?.Policies ?? []) as Array<{ PolicyName: string; PolicyDocument: Json }>;
    roles.set(
      roleArnOf(id),
      inline.map((p) => ({ name: p.PolicyName, policy: resolve(p.PolicyDocument) as unknown as PolicyDocument })),
    );
  }
  for (const [id, policy] of ofType('AWS::IAM::Policy')) {
    for (const role of (policy.Properties?.Roles ?? []) as Json[]) {
      const roleId = refTarget(role);
      if (!roleId) continue;
      roles.get(roleArnOf(roleId))?.push({
        name: id,
        policy: resolve(policy.Properties!.PolicyDocument!) as unknown as PolicyDocument,
      });
    }
  }

  const functions = new Map<string, DeployedFunction>();
  for (const [id, fn] of ofType('AWS::Lambda::Function')) {
    const props = fn.Properties ?? {};
    const asset = fn.Metadata?.['aws:asset:path'];
    const sourceName = fn.Metadata?.['meeting-api:function'];
    if (typeof asset !== 'string' || typeof sourceName !== 'string') continue; // not one of ours (a CDK helper)
    const roleId = attributeTargets(props.Role ?? null)[0];
    if (!roleId) throw new TemplateError(`function ${id} has no role of the template`);
    // Managed policies' documents are not in the template: the enforcement point could not evaluate them.
    if (template.Resources[roleId]?.Properties?.ManagedPolicyArns)
      throw new TemplateError(`function ${id}'s role has managed policies, which the local runner cannot evaluate`);
    const variables = ((props.Environment as { Variables?: Json } | undefined)?.Variables ?? {}) as Record<
      string,
      Json
    >;
    functions.set(id, {
      logicalId: id,
      sourceName,
      bundleDir: join(assemblyDir, asset),
      handler: text(props.Handler, 'index.handler'),
      timeoutSeconds: Number(props.Timeout ?? 3),
      memoryMb: Number(props.MemorySize ?? 128),
      environment: Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, text(resolve(value))])),
      roleArn: roleArnOf(roleId),
    });
  }

  // Resource paths from the parent chain (the root resource has none of its own).
  const pathOf = (resourceId: string | undefined): string => {
    if (!resourceId) return '';
    const resource = template.Resources[resourceId];
    if (!resource || resource.Type !== 'AWS::ApiGateway::Resource') return '';
    return `${pathOf(refTarget(resource.Properties?.ParentId))}/${text(resource.Properties?.PathPart)}`;
  };
  const methods: DeployedMethod[] = [];
  for (const [id, method] of ofType('AWS::ApiGateway::Method')) {
    const props = method.Properties ?? {};
    const integration = props.Integration as Json;
    const functionLogicalId = attributeTargets(integration).find((target) => functions.has(target));
    if (!functionLogicalId) continue; // OPTIONS mocks and other non-Lambda integrations
    methods.push({
      httpMethod: text(props.HttpMethod),
      path: pathOf(refTarget(props.ResourceId)) || '/',
      operationName: text(props.OperationName, id),
      functionLogicalId,
      authorizerLogicalId: props.AuthorizationType === 'CUSTOM' ? refTarget(props.AuthorizerId) : undefined,
      apiKeyRequired: props.ApiKeyRequired === true,
    });
  }

  const authorizers = new Map<string, DeployedAuthorizer>();
  for (const [id, authorizer] of ofType('AWS::ApiGateway::Authorizer')) {
    const props = authorizer.Properties ?? {};
    const functionLogicalId = attributeTargets(props.AuthorizerUri ?? null).find((target) => functions.has(target));
    if (!functionLogicalId) throw new TemplateError(`authorizer ${id} has no function of the template`);
    authorizers.set(id, {
      functionLogicalId,
      identityHeaders: text(props.IdentitySource, '')
        .split(',')
        .map((source) => /^method\.request\.header\.(.+)$/.exec(source.trim())?.[1])
        .filter((name): name is string => Boolean(name)),
      // CloudFormation's default for a REQUEST authorizer is 300 s.
      resultTtlSeconds: Number(props.AuthorizerResultTtlInSeconds ?? 300),
    });
  }

  const gatewayResponses = new Map<string, DeployedGatewayResponse>();
  for (const [, response] of ofType('AWS::ApiGateway::GatewayResponse')) {
    const props = response.Properties ?? {};
    const headers: DeployedGatewayResponse['headers'] = {};
    for (const [target, source] of Object.entries((props.ResponseParameters ?? {}) as Record<string, string>)) {
      const name = /^gatewayresponse\.header\.(.+)$/.exec(target)?.[1];
      if (!name) continue;
      const requestHeader = /^method\.request\.header\.(.+)$/.exec(source)?.[1];
      headers[name] = requestHeader ? { requestHeader } : { value: source.replace(/^'(.*)'$/, '$1') };
    }
    gatewayResponses.set(text(props.ResponseType), {
      status: Number(props.StatusCode),
      headers,
      body: String((props.ResponseTemplates as Record<string, string> | undefined)?.['application/json'] ?? ''),
    });
  }

  const patternsOf = (criteria: { Filters?: Array<{ Pattern: string }> } | undefined) =>
    (criteria?.Filters ?? []).map((filter) => JSON.parse(filter.Pattern) as unknown);
  const streamPipes: DeployedStream[] = [];
  for (const [, pipe] of ofType('AWS::Pipes::Pipe')) {
    const props = resolve(pipe.Properties ?? {}) as Record<string, Json>;
    if (props.Source !== tables.meetings.streamArn) continue;
    const criteria = (props.SourceParameters as { FilterCriteria?: { Filters?: Array<{ Pattern: string }> } })
      ?.FilterCriteria;
    streamPipes.push({
      roleArn: text(props.RoleArn),
      target: text(props.Target),
      filterPatterns: patternsOf(criteria),
    });
  }

  const tableStreams = new Set(Object.values(tables).map((table) => table.streamArn));
  const streamSources: DeployedStreamSource[] = [];
  for (const [id, mapping] of ofType('AWS::Lambda::EventSourceMapping')) {
    const props = resolve(mapping.Properties ?? {}) as Record<string, Json>;
    if (!tableStreams.has(text(props.EventSourceArn, ''))) continue; // an SQS source: the runner's own queues
    const functionLogicalId = text(props.FunctionName);
    if (!functions.has(functionLogicalId)) throw new TemplateError(`event source ${id} feeds no function of ours`);
    streamSources.push({
      functionLogicalId,
      streamArn: text(props.EventSourceArn),
      filterPatterns: patternsOf(props.FilterCriteria as { Filters?: Array<{ Pattern: string }> } | undefined),
      batchSize: Number(props.BatchSize ?? 100),
      startingPosition: text(props.StartingPosition) === 'TRIM_HORIZON' ? 'TRIM_HORIZON' : 'LATEST',
      maximumRetryAttempts: Number(props.MaximumRetryAttempts ?? -1),
    });
  }

  const stages = ofType('AWS::ApiGateway::Stage');
  if (stages.length !== 1) throw new TemplateError(`expected one API stage in the template, found ${stages.length}`);
  const stageName = text(stages[0]![1].Properties?.StageName);
  const restApis = ofType('AWS::ApiGateway::RestApi');
  if (restApis.length !== 1) throw new TemplateError(`expected one REST API in the template, found ${restApis.length}`);
  const restApiId = text(resolve({ Ref: restApis[0]![0] }));

  return {
    account,
    stageName,
    restApiId,
    functions,
    methods,
    authorizers,
    gatewayResponses,
    streamPipes,
    streamSources,
    roles,
  };
}
