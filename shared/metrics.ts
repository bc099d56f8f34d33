import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * The service's CloudWatch metrics, written as embedded metric format (EMF) lines to the function's
 * log: no API calls. Names and dimensions have this one source: the functions write them and the
 * stack's dashboard and alarms read them. Dimensions stay few and bounded (never a tenant or an id).
 */
export const METRICS_NAMESPACE = 'MeetingApi';
export const SERVICE_NAME = 'meeting-api';

export const METRIC = {
  /** Every answered request, by operation. */
  requests: 'Requests',
  /** Time from the handler's start to its answer, by operation (the gateway's latency adds to it). */
  latency: 'Latency',
  /** Every error answer, by operation and errorCode (4xx and 5xx alike). */
  errors: 'Errors',
  /** A meeting's status changed (WAITING→WON and so on), by transition. */
  statusTransitions: 'StatusTransitions',
  /** A token the authorizer refused (401), by reason. */
  authorizerRejections: 'AuthorizerRejections',
  /** Powertools' own name for the first invocation of a function instance. */
  coldStart: 'ColdStart',
} as const;

export const DIMENSION = {
  service: 'service',
  operation: 'operation',
  errorCode: 'errorCode',
  transition: 'transition',
  reason: 'reason',
} as const;

/** The authorizer's operation dimension (the API's operations are the OpenAPI operationIds). */
export const AUTHORIZER_OPERATION = 'authorize';

/** The dimension value of a status transition: `WAITING→WON`. */
export const transitionName = (from: string, to: string) => `${from}→${to}`;

/**
 * One function's metrics, every line carrying its operation. Each call writes at once (no buffer
 * kept between calls), so concurrent requests through one module instance (the local gateway) cannot
 * mix their figures. Disabled with POWERTOOLS_METRICS_DISABLED=true (npm start and the tests set it
 * unless told otherwise: EMF lines are noise outside Lambda).
 */
export class OperationMetrics {
  private readonly metrics: Metrics;

  constructor(operation: string) {
    this.metrics = new Metrics({
      namespace: METRICS_NAMESPACE,
      serviceName: SERVICE_NAME,
      defaultDimensions: { [DIMENSION.operation]: operation },
    });
  }

  /** A ColdStart metric on the instance's first call, none after. */
  coldStart(): void {
    this.metrics.captureColdStartMetric();
  }

  /** One answered request: its count, latency and, for an error answer, its errorCode. */
  request(durationMs: number, errorCode: string | undefined): void {
    this.metrics.addMetric(METRIC.requests, MetricUnit.Count, 1);
    this.metrics.addMetric(METRIC.latency, MetricUnit.Milliseconds, durationMs);
    this.metrics.publishStoredMetrics();
    if (errorCode) this.count(METRIC.errors, DIMENSION.errorCode, errorCode);
  }

  statusTransition(from: string, to: string): void {
    this.count(METRIC.statusTransitions, DIMENSION.transition, transitionName(from, to));
  }

  authorizerRejection(reason: string): void {
    this.count(METRIC.authorizerRejections, DIMENSION.reason, reason);
  }

  private count(metric: string, dimension: string, value: string): void {
    this.metrics.singleMetric().addDimension(dimension, value).addMetric(metric, MetricUnit.Count, 1);
  }
}
