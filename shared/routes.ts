import { operations } from './generated/contract.js';

export type OperationId = (typeof operations)[number]['operationId'];

export interface Route {
  operationId: OperationId;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API Gateway resource path, e.g. /meetings/{meetingId} */
  path: string;
  scope: 'read' | 'write';
  /** Folder under functions/ (kebab-case of the operationId). */
  functionName: string;
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The one route table: derived from the OpenAPI document, read by the CDK stack and the local gateway. */
export const routes: readonly Route[] = operations.map((op) => ({
  operationId: op.operationId,
  method: op.method,
  path: op.path,
  scope: op.scope,
  functionName: kebab(op.operationId),
}));

export const routeOf = (operationId: OperationId): Route => {
  const route = routes.find((r) => r.operationId === operationId);
  if (!route) throw new Error(`no route for ${operationId}`);
  return route;
};

const parameterCount = (path: string) => path.split('{').length - 1;
/**
 * The API's resources (paths), as API Gateway matches them: a literal segment before a path
 * parameter (/meetings/changes before /meetings/{meetingId}).
 */
const resourcesLiteralFirst = [...new Set(routes.map((route) => route.path))].sort(
  (a, b) => parameterCount(a) - parameterCount(b),
);

/**
 * The route a request reaches, with its path parameters (percent-decoded when they decode): the
 * one path matcher, used by the local gateway and the tests' contract check. As in API Gateway the
 * path picks the resource first; a method the resource does not have reaches no route (PUT
 * /meetings/changes is not PUT /meetings/{meetingId}).
 */
export function matchRoute(
  method: string,
  path: string,
): { route: Route; pathParameters: Record<string, string> } | undefined {
  for (const resource of resourcesLiteralFirst) {
    const names: string[] = [];
    const pattern = new RegExp(
      `^${resource.replace(/\{([^}]+)\}/g, (_, name: string) => (names.push(name), '([^/]+)'))}$`,
    );
    const match = pattern.exec(path);
    if (!match) continue;
    const route = routes.find((r) => r.path === resource && r.method === method);
    if (!route) return undefined;
    let pathParameters: Record<string, string>;
    try {
      pathParameters = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1]!)]));
    } catch {
      pathParameters = Object.fromEntries(names.map((name, i) => [name, match[i + 1]!]));
    }
    return { route, pathParameters };
  }
  return undefined;
}

/**
 * How long API Gateway (and the local gateway) caches an authorizer decision per token. Not at all
 * when partner keys are required: the decision names the key (usageIdentifierKey), so cached per
 * token alone it would let one key cover calls made with another or none; and with x-api-key as a
 * second identity source API Gateway answers a keyless request 401 before the authorizer runs,
 * where the contract wants 404 INVALID_API_KEY.
 */
export const authorizerResultTtlSeconds = (apiKeyRequired: boolean) => (apiKeyRequired ? 0 : 300);

/** The execute-api resource pattern of a route: path parameters become wildcards. */
export const resourcePattern = (route: Pick<Route, 'method' | 'path'>) =>
  `${route.method}${route.path.replace(/\{[^}]+\}/g, '*')}`;
