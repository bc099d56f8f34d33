/**
 * The metrics each request writes, read back from the embedded-metric-format lines on stdout (what
 * CloudWatch reads from the function's log), with metrics enabled as on Lambda.
 */
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MeetingNotFound } from '../../shared/domain/errors.js';
import { apiHandler } from '../../shared/http/middlewares.js';
import { json } from '../../shared/http/responses.js';
import { DIMENSION, METRIC, metricsNamespace, OperationMetrics, SERVICE_NAME } from '../../shared/metrics.js';

const METRICS_NAMESPACE = metricsNamespace('test');

interface EmfLine {
  _aws: {
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[];
  };
  [key: string]: unknown;
}

let lines: EmfLine[] = [];
/** Anything else written: Powertools' warnings would land in every function's log. */
let noise: string[] = [];

beforeEach(() => {
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', METRICS_NAMESPACE);
  lines = [];
  noise = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    const text = String(chunk).trim();
    if (text.startsWith('{') && text.includes('"_aws"')) lines.push(JSON.parse(text) as EmfLine);
    else noise.push(text);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    noise.push(String(chunk).trim());
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

/** Each metric written, flattened: name, value and one of the dimension sets it was written with. */
const written = () =>
  lines.flatMap((line) =>
    line._aws.CloudWatchMetrics.flatMap((directive) =>
      directive.Metrics.flatMap((metric) =>
        directive.Dimensions.map((set) => ({
          namespace: directive.Namespace,
          name: metric.Name,
          unit: metric.Unit,
          value: line[metric.Name],
          dimensions: Object.fromEntries(set.map((name) => [name, line[name]])),
        })),
      ),
    ),
  );

const event = () =>
  ({
    headers: { 'Request-ID': '9031d1c5-7d40-41dd-b2b8-7919a2fc4fe9' },
    pathParameters: { meetingId: '4a3f0c59-5a0e-4a43-8d55-54b1d1d0c0d1' },
    requestContext: {
      authorizer: {
        tenantId: 'tenant-1',
        subject: 'client-1',
        scopes: 'read write',
        tokenValidUntil: String(Date.now() / 1000 + 60),
      },
    },
  }) as unknown as APIGatewayProxyEvent;

describe('request metrics (Powertools, embedded metric format)', () => {
  it('counts each request with its latency, by operation; an error answer also by errorCode', async () => {
    const found = apiHandler('getMeeting', () => Promise.resolve(json(200, {})));
    const missing = apiHandler('getMeeting', (e) => Promise.reject(new MeetingNotFound(e.pathParameters!.meetingId!)));
    await found(event(), {} as Context);
    await missing(event(), {} as Context);

    const metrics = written();
    const operation = { [DIMENSION.service]: SERVICE_NAME, [DIMENSION.operation]: 'getMeeting' };
    expect(metrics.filter((m) => m.name === METRIC.requests)).toEqual([
      { namespace: METRICS_NAMESPACE, name: 'Requests', unit: 'Count', value: 1, dimensions: operation },
      { namespace: METRICS_NAMESPACE, name: 'Requests', unit: 'Count', value: 1, dimensions: operation },
    ]);
    const latencies = metrics.filter((m) => m.name === METRIC.latency);
    expect(latencies).toHaveLength(2);
    for (const latency of latencies) {
      expect(latency).toMatchObject({ unit: 'Milliseconds', dimensions: operation });
      expect(latency.value).toBeGreaterThanOrEqual(0);
    }
    // By errorCode alone (what an alarm watches) and by operation too (what the dashboard shows).
    const error = { namespace: METRICS_NAMESPACE, name: 'Errors', unit: 'Count', value: 1 };
    expect(metrics.filter((m) => m.name === METRIC.errors)).toEqual([
      { ...error, dimensions: { ...operation, [DIMENSION.errorCode]: 'INVALID_ID' } },
      { ...error, dimensions: { [DIMENSION.service]: SERVICE_NAME, [DIMENSION.errorCode]: 'INVALID_ID' } },
    ]);
    expect(noise).toEqual([]);
  });

  it('writes one ColdStart per function instance, never a tenant or an id as a dimension', async () => {
    // As Lambda sets it for an on-demand instance: Powertools counts cold starts only there.
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    const handler = apiHandler('searchMeetings', () => Promise.resolve(json(200, {})));
    await handler(event(), {} as Context);
    await handler(event(), {} as Context);
    const metrics = written();
    expect(metrics.filter((m) => m.name === METRIC.coldStart)).toHaveLength(1);
    const values = metrics.flatMap((m) => Object.values(m.dimensions));
    for (const value of values) expect(value).toMatch(/^[\x20-\x7e]+$/); // CloudWatch: ASCII only
    expect(values).not.toContain('tenant-1');
    expect(values.some((value) => String(value).includes('9031d1c5'))).toBe(false);
    expect(values.some((value) => String(value).includes('4a3f0c59'))).toBe(false);
  });

  it('names a status transition WAITING->WON (ASCII: CloudWatch takes no other), and a rejection by its reason', () => {
    const metrics = new OperationMetrics('updateMeeting');
    metrics.statusTransition('WAITING', 'WON');
    new OperationMetrics('authorize').authorizerRejection('expired');
    expect(written()).toEqual([
      expect.objectContaining({
        name: 'StatusTransitions',
        value: 1,
        dimensions: { service: SERVICE_NAME, operation: 'updateMeeting', transition: 'WAITING->WON' },
      }),
      expect.objectContaining({
        name: 'AuthorizerRejections',
        value: 1,
        dimensions: { service: SERVICE_NAME, operation: 'authorize', reason: 'expired' },
      }),
    ]);
  });

  it('writes nothing with POWERTOOLS_METRICS_DISABLED=true (npm start, tests)', async () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    await apiHandler('getMeeting', () => Promise.resolve(json(200, {})))(event(), {} as Context);
    expect(lines).toEqual([]);
  });
});
