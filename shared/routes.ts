import { operations } from './generated/contract.js';

export type OperationId = (typeof operations)[number]['operationId'];

export interface Route {
  operationId: OperationId;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API Gateway resource path, e.g. /meetings/{meetingId} */
  path: string;
  /**
   * The operation scope a token needs: read, write, or privacy (a data subject's rights only);
   * none for the one route without the authorizer (a calendar feed, whose secret address is the credential).
   */
  scope: 'read' | 'write' | 'privacy' | 'none';
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
 * A path matcher over a route table, as API Gateway matches its resources: the path picks the
 * resource first, a literal segment before a path parameter (/meetings/changes before
 * /meetings/{meetingId}); a method the resource does not have reaches no route (PUT
 * /meetings/changes is not PUT /meetings/{meetingId}). Path parameters are percent-decoded when
 * they decode. Used for the route table here and for the deployed template's methods locally.
 */
export function routeMatcher<R extends { method: string; path: string }>(table: readonly R[]) {
  const resources = [...new Set(table.map((route) => route.path))]
    .sort((a, b) => parameterCount(a) - parameterCount(b))
    .map((resource) => {
      const names: string[] = [];
      const pattern = new RegExp(
        `^${resource.replace(/\{([^}]+)\}/g, (_, name: string) => (names.push(name), '([^/]+)'))}$`,
      );
      return { resource, names, pattern };
    });
  return (method: string, path: string): { route: R; pathParameters: Record<string, string> } | undefined => {
    for (const { resource, names, pattern } of resources) {
      const match = pattern.exec(path);
      if (!match) continue;
      const route = table.find((r) => r.path === resource && r.method === method);
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
  };
}

let routeTableMatcher: ReturnType<typeof routeMatcher<Route>> | undefined;

/**
 * The route a request reaches, with its path parameters (the tests' contract check uses it).
 * Built on first use: every function imports the route table, none matches paths with it.
 */
export const matchRoute = (method: string, path: string) => (routeTableMatcher ??= routeMatcher(routes))(method, path);

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
