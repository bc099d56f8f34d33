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
  method: op.method as Route['method'],
  path: op.path,
  scope: op.scope,
  functionName: kebab(op.operationId),
}));

export const routeOf = (operationId: OperationId): Route => {
  const route = routes.find((r) => r.operationId === operationId);
  if (!route) throw new Error(`no route for ${operationId}`);
  return route;
};

/** How long API Gateway (and the local gateway) caches an authorizer decision per token. */
export const AUTHORIZER_RESULT_TTL_SECONDS = 300;

/** The execute-api resource pattern of a route: path parameters become wildcards. */
export const resourcePattern = (route: Pick<Route, 'method' | 'path'>) =>
  `${route.method}${route.path.replace(/\{[^}]+\}/g, '*')}`;
