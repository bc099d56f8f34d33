/**
 * Reads what the local runner runs from the synthesized template: each function (its bundle,
 * handler, environment, timeout, memory and role policies), the REST API (resources, methods,
 * authorizer, gateway responses) and the pipes' stream filters. CloudFormation's intrinsic
 * functions are resolved with the local values of local-values.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  localArn,
  localAttribute,
  localPseudoParameter,
  localRef,
  type LocalAccount,
  type LocalTable,
} from './local-values.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface Resource {
  Type: string;
  Properties?: Record<string, Json>;
  Metadata?: Record<string, Json>;
}
interface Template {
  Resources: Record<string, Resource>;
}

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
  /** Every role of the template by its local ARN (functions' and pipes'). */
  roles: Map<string, Array<{ name: string; policy: PolicyDocument }>>;
}

export class TemplateError extends Error {}

/** The stack's function built from functions/<sourceName>. */
export function functionFrom(stack: Pick<DeployedStack, 'functions'>, sourceName: string): DeployedFunction {
  const found = [...stack.functions.values()].find((fn) => fn.sourceName === sourceName);
  if (!found) throw new TemplateError(`the template has no ${sourceName} function`);
  return found;
}

/** A scalar of the template as text; anything else is a template this runner cannot read. */
function text(value: Json | undefined, fallback?: string): string {
  if (value === undefined || value === null) {
    if (fallback !== undefined) return fallback;
    throw new TemplateError('the template lacks a value the local runner needs');
  }
  if (typeof value === 'object')
    throw new TemplateError(`expected a scalar in the template, got ${JSON.stringify(value)}`);
  return String(value);
}

/** Resolves CloudFormation's intrinsic functions against the template and the local values. */
function resolver(template: Template, account: LocalAccount, table: LocalTable) {
  const typeOf = (logicalId: string) => {
    const resource = template.Resources[logicalId];
    if (!resource) throw new TemplateError(`the template refers to ${logicalId}, which it does not define`);
    return resource.Type;
  };
  const ref = (logicalId: string): string =>
    localPseudoParameter(logicalId, account) ?? localRef(typeOf(logicalId), logicalId, account, table);
  const getAtt = (logicalId: string, attribute: string): string => {
    const value = localAttribute(typeOf(logicalId), logicalId, attribute, account, table);
    if (value === undefined)
      throw new TemplateError(`the local runner has no local value for ${logicalId}.${attribute}`);
    return value;
  };
  const resolve = (value: Json): Json => {
    if (Array.isArray(value)) return value.map(resolve);
    if (value === null || typeof value !== 'object') return value;
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::'))) {
      const [fn] = keys as [string];
      const argument = value[fn]!;
      if (fn === 'Ref') return ref(argument as string);
      if (fn === 'Fn::GetAtt') {
        const [id, attribute] = Array.isArray(argument) ? argument : text(argument).split('.');
        return getAtt(text(id), text(attribute));
      }
      const args = resolve(argument) as Json[];
      if (fn === 'Fn::Join') return (args[1] as Json[]).map((part) => text(part)).join(text(args[0]));
      if (fn === 'Fn::Split') return text(args[1]).split(text(args[0]));
      if (fn === 'Fn::Select') return (args[1] as Json[])[Number(args[0])]!;
      throw new TemplateError(`the local runner cannot resolve ${fn}`);
    }
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, resolve(inner)]));
  };
  return resolve;
}

/** The logical ids a value refers to with Fn::GetAtt, in order. */
function attributeTargets(value: Json): string[] {
  if (Array.isArray(value)) return value.flatMap(attributeTargets);
  if (value === null || typeof value !== 'object') return [];
  if ('Fn::GetAtt' in value) {
    const argument = value['Fn::GetAtt']!;
    return [Array.isArray(argument) ? text(argument[0]) : text(argument).split('.')[0]!];
  }
  return Object.values(value).flatMap(attributeTargets);
}

const refTarget = (value: Json | undefined): string | undefined =>
  value && typeof value === 'object' && !Array.isArray(value) && typeof value.Ref === 'string' ? value.Ref : undefined;

export function readDeployedStack(
  assemblyDir: string,
  templateFile: string,
  account: LocalAccount,
  table: LocalTable,
): DeployedStack {
  const template = JSON.parse(readFileSync(templateFile, 'utf8')) as Template;
  const resolve = resolver(template, account, table);
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

  const streamPipes: DeployedStream[] = [];
  for (const [, pipe] of ofType('AWS::Pipes::Pipe')) {
    const props = resolve(pipe.Properties ?? {}) as Record<string, Json>;
    if (props.Source !== table.streamArn) continue;
    const criteria = (props.SourceParameters as { FilterCriteria?: { Filters?: Array<{ Pattern: string }> } })
      ?.FilterCriteria;
    streamPipes.push({
      roleArn: text(props.RoleArn),
      target: text(props.Target),
      filterPatterns: (criteria?.Filters ?? []).map((filter) => JSON.parse(filter.Pattern) as unknown),
    });
  }

  const stages = ofType('AWS::ApiGateway::Stage');
  if (stages.length !== 1) throw new TemplateError(`expected one API stage in the template, found ${stages.length}`);
  const stageName = text(stages[0]![1].Properties?.StageName);
  const restApis = ofType('AWS::ApiGateway::RestApi');
  if (restApis.length !== 1) throw new TemplateError(`expected one REST API in the template, found ${restApis.length}`);
  const restApiId = text(resolve({ Ref: restApis[0]![0] }));

  return { account, stageName, restApiId, functions, methods, authorizers, gatewayResponses, streamPipes, roles };
}
