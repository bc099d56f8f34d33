/**
 * The local IAM enforcement point: an HTTP endpoint in front of DynamoDB Local that every
 * function's DynamoDB client (and the runner's stream reader, as the pipes' roles) calls. It knows
 * the caller's role by the access key of its credentials, evaluates each action the call needs
 * against the role's policies from the template with @cloud-copilot/iam-simulate, and either
 * passes the call through unchanged or answers DynamoDB's own AccessDeniedException, so that the
 * function fails exactly as it would on AWS. Every decision can be recorded for `npm run iam:report`.
 */
import { randomUUID } from 'node:crypto';
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { appendOwnerOnly } from '../owner-only-files.js';
import {
  authorizationRequests,
  UnauthorizableRequestError,
  type AuthorizationRequest,
  type KeySchemas,
} from './dynamodb-authorization.js';
import type { PolicyDocument } from './stack-template.js';

export interface Principal {
  /** The role's local ARN and the session's name (the function's, or the pipe's). */
  roleArn: string;
  sessionName: string;
  policies: Array<{ name: string; policy: PolicyDocument }>;
}

/** A line of the decision log: a decision, or (once per run of the point) a role and its policies. */
export type DecisionLogLine = ({ kind: 'decision' } & Decision) | ({ kind: 'principal' } & Principal);

export interface Decision {
  roleArn: string;
  principal: string;
  action: string;
  resource: string;
  allowed: boolean;
}

export interface IamEnforcementOptions {
  /** DynamoDB Local's endpoint. */
  upstream: string;
  accountId: string;
  /** By access key id. */
  principals: Map<string, Principal>;
  schemas: KeySchemas;
  /** Appends each distinct decision here, one JSON object a line (npm run iam:report reads it). */
  decisionLog?: string;
}

export interface IamEnforcement {
  endpoint: string;
  stop(): Promise<void>;
}

const JSON_1_0 = 'application/x-amz-json-1.0';

function refuse(res: ServerResponse, type: string, message: string) {
  const body = JSON.stringify({ __type: `com.amazon.coral.service#${type}`, message });
  res.writeHead(400, {
    'Content-Type': JSON_1_0,
    'Content-Length': Buffer.byteLength(body),
    'x-amzn-RequestId': randomUUID(),
  });
  res.end(body);
}

const assumedRole = (principal: Principal, accountId: string) =>
  `arn:aws:sts::${accountId}:assumed-role/${principal.roleArn.split('/').pop()}/${principal.sessionName}`;

/** The condition keys a principal's policies test: the only part of a call's context its decisions depend on. */
function conditionKeysOf(principal: Principal): Set<string> {
  const keys = new Set<string>();
  for (const { policy } of principal.policies)
    for (const statement of policy.Statement)
      for (const operator of Object.values((statement.Condition ?? {}) as Record<string, Record<string, unknown>>))
        for (const key of Object.keys(operator)) keys.add(key.toLowerCase());
  return keys;
}

const MAX_CACHED_DECISIONS = 10_000;

/**
 * Decisions remembered by what they depend on (the role, action, resource and the context keys its
 * conditions test): the simulation is the costliest step of a call, and most repeat.
 */
function decisionCache() {
  const conditionKeys = new Map<Principal, Set<string>>();
  const decisions = new Map<string, boolean>();
  return async (principal: Principal, accountId: string, check: AuthorizationRequest) => {
    let keys = conditionKeys.get(principal);
    if (!keys) conditionKeys.set(principal, (keys = conditionKeysOf(principal)));
    const relevant = Object.entries(check.context).filter(([key]) => keys.has(key.toLowerCase()));
    const cacheKey = JSON.stringify([principal.roleArn, check.action, check.resource, relevant]);
    const known = decisions.get(cacheKey);
    if (known !== undefined) return known;
    const allowed = await allows(principal, accountId, check);
    if (decisions.size >= MAX_CACHED_DECISIONS) decisions.clear();
    decisions.set(cacheKey, allowed);
    return allowed;
  };
}

async function allows(principal: Principal, accountId: string, check: AuthorizationRequest): Promise<boolean> {
  const result = await runSimulation(
    {
      request: {
        principal: assumedRole(principal, accountId),
        action: check.action,
        resource: { resource: check.resource, accountId },
        contextVariables: check.context,
      },
      identityPolicies: principal.policies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (result.resultType === 'error') {
    // A policy or request the simulator cannot evaluate is refused, and said so, not taken for a plain denial.
    console.error(`IAM simulation failed for ${check.action} on ${check.resource}: ${result.errors.message}`);
    return false;
  }
  return result.overallResult === 'Allowed';
}

export async function startIamEnforcement(options: IamEnforcementOptions): Promise<IamEnforcement> {
  const upstream = new URL(options.upstream);
  const decide = decisionCache();
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const logged = new Set<string>();
  const log = (entry: DecisionLogLine) => {
    if (!options.decisionLog) return;
    const line = JSON.stringify(entry);
    if (logged.has(line)) return;
    logged.add(line);
    appendOwnerOnly(options.decisionLog, `${line}\n`);
  };
  for (const principal of options.principals.values()) log({ kind: 'principal', ...principal });
  const record = (decision: Decision) => log({ kind: 'decision', ...decision });

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const upstreamRequest = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstreamRequest.on('error', () => res.destroy());
    upstreamRequest.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const accessKeyId = /Credential=([^/,\s]+)\//.exec(String(req.headers.authorization ?? ''))?.[1];
    const principal = accessKeyId ? options.principals.get(accessKeyId) : undefined;
    if (!principal)
      return refuse(res, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    let checks: AuthorizationRequest[];
    try {
      checks = authorizationRequests(
        String(req.headers['x-amz-target'] ?? ''),
        JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>,
        options.schemas,
      );
    } catch (error) {
      if (!(error instanceof UnauthorizableRequestError) && !(error instanceof SyntaxError)) throw error;
      return refuse(
        res,
        'AccessDeniedException',
        `The local IAM enforcement point cannot authorize this call: ${error.message}`,
      );
    }
    for (const check of checks) {
      const allowed = await decide(principal, options.accountId, check);
      record({
        roleArn: principal.roleArn,
        principal: principal.sessionName,
        action: check.action,
        resource: check.resource,
        allowed,
      });
      if (!allowed)
        return refuse(
          res,
          'AccessDeniedException',
          `User: ${assumedRole(principal, options.accountId)} is not authorized to perform: ${check.action} on resource: ${check.resource} because no identity-based policy allows the ${check.action} action`,
        );
    }
    forward(req, res, body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('IAM enforcement point failed:', error);
      if (!res.headersSent) refuse(res, 'InternalServerError', 'The local IAM enforcement point failed.');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolveListen);
  });
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolveClose) => server.close(resolveClose));
      agent.destroy();
    },
  };
}
