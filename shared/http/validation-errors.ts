import type { ErrorObject } from 'ajv';
import { UUID_PATTERN } from '../domain/identifiers.js';
import { DATE_TIME_PATTERN } from '../generated/contract.js';
import type { ErrorItem } from './api-error.js';

/** `/parties/0/partyId` -> `parties[0].partyId` */
export function jsonPathOf(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}

const join = (path: string, name: string) => (path ? `${path}.${name}` : name);

/** Messages of their own: the generated validators are built without Ajv's (smaller bundles). */
function describeLimit(keyword: string, p: Record<string, unknown>): string {
  const limit = String(p.limit);
  switch (keyword) {
    case 'minimum':
      return `must be >= ${limit}`;
    case 'maximum':
      return `must be <= ${limit}`;
    case 'minLength':
      return `must have at least ${limit} characters`;
    case 'maxLength':
      return `must have at most ${limit} characters`;
    case 'minItems':
      return `must have at least ${limit} items`;
    case 'maxItems':
      return `must have at most ${limit} items`;
    default:
      return 'is invalid';
  }
}

function describe(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'format':
      return p.format === 'date-time'
        ? 'must be an RFC 3339 date-time with offset'
        : `must be a valid ${String(p.format)}`;
    case 'pattern':
      if (p.pattern === UUID_PATTERN) return 'must be a uuid';
      if (p.pattern === DATE_TIME_PATTERN)
        return 'must be an RFC 3339 date-time with offset (±hh:mm or Z) and seconds 00-59';
      return `must match ${String(p.pattern)}`;
    case 'type':
      return `must be of type ${String(p.type)}`;
    default:
      return describeLimit(error.keyword, p);
  }
}

/**
 * Ajv errors as house error items. For a body field the target is its JSON path; for a query
 * parameter (`parameterNames`), its name. Missing -> VALUE_REQUIRED, unknown property ->
 * BAD_REQUEST_BODY, every other failure (type, format, enum, range, length) -> INVALID_TYPE.
 */
export function toErrorItems(errors: ErrorObject[], options: { parameters?: boolean } = {}): ErrorItem[] {
  const items = new Map<string, ErrorItem>();
  for (const error of errors) {
    const path = jsonPathOf(error.instancePath);
    const target = options.parameters ? path.replace(/\[\d+\]$/, '') : path;
    let item: ErrorItem;
    if (error.keyword === 'required') {
      const field = join(target, String(error.params.missingProperty));
      item = { target: field, errorCode: 'VALUE_REQUIRED', message: `Mandatory field ${field} is missing` };
    } else if (error.keyword === 'additionalProperties') {
      const field = join(target, String(error.params.additionalProperty));
      item = options.parameters
        ? { target: field, errorCode: 'INVALID_TYPE', message: `Unknown request parameter ${field}` }
        : { target: field, errorCode: 'BAD_REQUEST_BODY', message: `Unknown field ${field}` };
    } else {
      const name = target || 'body';
      item = { target: name, errorCode: 'INVALID_TYPE', message: `${name} ${describe(error)}` };
    }
    // One item per target and code: a bad uuid fails both its pattern and its format.
    const key = `${item.target}|${item.errorCode}`;
    if (!items.has(key)) items.set(key, item);
  }
  return [...items.values()];
}
