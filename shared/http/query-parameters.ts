import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { QueryParameter } from '../generated/contract.js';
import type { ErrorItem } from './api-error.js';
import { toErrorItems } from './validation-errors.js';

export type QueryEvent = Pick<APIGatewayProxyEvent, 'multiValueQueryStringParameters' | 'queryStringParameters'>;

interface QueryValidator {
  (data: unknown): boolean;
  errors?: Parameters<typeof toErrorItems>[0] | null;
}

const toTyped = (type: string, value: string): unknown =>
  type === 'integer' && /^-?\d+$/.test(value) ? Number(value) : value;

/**
 * A query string read against an operation's parameters (generated from the document): unknown
 * names, empty values and single-valued parameters given twice become error items; the rest is
 * typed and checked against the operation's query schema. `valid` says whether the schema held,
 * so that callers run their own checks only on values of the right shape.
 */
export function readQuery(
  event: QueryEvent,
  parameters: readonly QueryParameter[],
  validate: QueryValidator,
): { raw: Record<string, unknown>; errors: ErrorItem[]; valid: boolean } {
  const meta = new Map(parameters.map((p) => [p.name, p]));
  const multi =
    event.multiValueQueryStringParameters ??
    Object.fromEntries(
      Object.entries(event.queryStringParameters ?? {}).map(([k, v]) => [k, v === undefined ? [] : [v]]),
    );
  const errors: ErrorItem[] = [];
  const raw: Record<string, unknown> = {};
  for (const [name, values = []] of Object.entries(multi)) {
    const parameter = meta.get(name);
    if (!parameter) {
      errors.push({ target: name, errorCode: 'INVALID_TYPE', message: `Unknown request parameter ${name}` });
      continue;
    }
    const items = parameter.array ? values.flatMap((v) => v.split(',')).map((v) => v.trim()) : values;
    if (items.length === 0 || items.some((v) => v.trim() === '')) {
      errors.push({
        target: name,
        errorCode: 'VALUE_REQUIRED',
        message: `Request parameter ${name} has an empty value`,
      });
    } else if (!parameter.array && items.length > 1) {
      errors.push({ target: name, errorCode: 'INVALID_TYPE', message: `Request parameter ${name} must be given once` });
    } else {
      raw[name] = parameter.array ? items.map((v) => toTyped(parameter.type, v)) : toTyped(parameter.type, items[0]!);
    }
  }
  const valid = validate(raw);
  if (!valid) errors.push(...toErrorItems(validate.errors ?? [], { parameters: true }));
  return { raw, errors, valid };
}

/** A parameter's default as the document states it. */
export const defaultOf = (parameters: readonly QueryParameter[], name: string): unknown =>
  parameters.find((p) => p.name === name)?.default;
