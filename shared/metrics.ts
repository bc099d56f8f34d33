import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { TokenRejectionReason } from './auth/token-verifier.js';
import type { StatusCode } from './domain/meeting.js';
import { SERVICE_NAME } from './logger.js';

/**
 * The service's CloudWatch metrics, written as embedded metric format (EMF) lines to the function's
 * log: no API calls. Names and dimensions have this one source: the functions write them and the
 * stack's dashboard and alarms read them. Dimensions stay few and bounded (never a tenant or an id).
 * Each stage writes to its own namespace (POWERTOOLS_METRICS_NAMESPACE, set by the stack), so
 * that dev traffic never shows on prod's dashboard or sets off prod's alarms.
 */
export const metricsNamespace = (stage: string) => `MeetingApi/${stage}`;
export { SERVICE_NAME };

export const METRIC = {
  /** Every answered request, by operation. */
  requests: 'Requests',
  /** Time from the handler's start to its answer, by operation (the gateway's latency adds to it). */
  latency: 'Latency',
  /** Every error answer (4xx and 5xx alike), by operation and errorCode, and by errorCode alone. */
  errors: 'Errors',
  /** A meeting's status changed (WAITING->WON and so on), by transition. */
  statusTransitions: 'StatusTransitions',
  /** A token the authorizer refused (401), or a partner key it could not name, by reason. */
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

/** The dimension value of a status transition, `WAITING->WON` (CloudWatch takes ASCII only). */
export const transitionName = (from: StatusCode, to: StatusCode) => `${from}->${to}`;

/** Why the authorizer refused: a token's rejection reason, or a missing or foreign partner key. */
export type RejectionReason = TokenRejectionReason | 'api-key';

/**
 * One function's metrics, every line carrying its operation. Each call writes at once (no buffer
 * kept between calls), so concurrent requests through one module instance (the local gateway) cannot
 * mix their figures. The Powertools instances are made on first use: nothing at module load, and
 * the authorizer, whose happy path writes no metric, pays for them only when it refuses.
 * Disabled with POWERTOOLS_METRICS_DISABLED=true (npm start and the tests set it unless told
 * otherwise: EMF lines are noise outside Lambda).
 */
export class OperationMetrics {
  private withOperation?: Metrics;
  /** Without the operation dimension: for the one series per errorCode that an alarm watches. */
  private serviceWide?: Metrics;

  /** The instance's first request is its cold start (as Powertools counts: on-demand instances only). */
  private coldStartPending = process.env.AWS_LAMBDA_INITIALIZATION_TYPE === 'on-demand';

  constructor(private readonly operation: string) {}

  private get metrics(): Metrics {
    return (this.withOperation ??= new Metrics({
      serviceName: SERVICE_NAME,
      defaultDimensions: { [DIMENSION.operation]: this.operation },
    }));
  }

  /**
   * One answered request: its count and latency, ColdStart on the instance's first (in the same
   * line: one write, not two), and for an error answer its errorCode.
   */
  request(durationMs: number, errorCode: string | undefined): void {
    const metrics = this.metrics;
    metrics.addMetric(METRIC.requests, MetricUnit.Count, 1);
    metrics.addMetric(METRIC.latency, MetricUnit.Milliseconds, durationMs);
    if (this.coldStartPending) metrics.addMetric(METRIC.coldStart, MetricUnit.Count, 1);
    this.coldStartPending = false;
    metrics.publishStoredMetrics();
    if (!errorCode) return;
    // Two lines, {service, operation, errorCode} and {service, errorCode}: one line with both
    // dimension sets makes Powertools warn of a key collision on every error answer.
    this.count(METRIC.errors, DIMENSION.errorCode, errorCode);
    (this.serviceWide ??= new Metrics({ serviceName: SERVICE_NAME }))
      .singleMetric()
      .addDimension(DIMENSION.errorCode, errorCode)
      .addMetric(METRIC.errors, MetricUnit.Count, 1);
  }

  statusTransition(from: StatusCode, to: StatusCode): void {
    this.count(METRIC.statusTransitions, DIMENSION.transition, transitionName(from, to));
  }

  authorizerRejection(reason: RejectionReason): void {
    this.count(METRIC.authorizerRejections, DIMENSION.reason, reason);
  }

  private count(metric: string, dimension: string, value: string): void {
    this.metrics.singleMetric().addDimension(dimension, value).addMetric(metric, MetricUnit.Count, 1);
  }
}
