import type { APIGatewayProxyEvent } from 'aws-lambda';
import { toInstant } from '../domain/meeting.js';
import { DEFAULT_SORT, foldSearchTerms, type SearchCriteria, type SortField, type SortKey } from '../domain/search.js';
import { isStorableInstant } from '../domain/storable-values.js';
import { searchParameters } from '../generated/contract.js';
import { validate as validateSearchQuery } from '../generated/validators/SearchQuery.cjs';
import { badRequestParameters, type ErrorItem } from './api-error.js';
import { toErrorItems } from './validation-errors.js';

const parameterMeta = new Map(searchParameters.map((p) => [p.name, p]));
/** Defaults as the document states them (startIndex 0, size 50). */
const defaultOf = (name: string) => parameterMeta.get(name)?.default as number;

const toTyped = (type: string, value: string): unknown =>
  type === 'integer' && /^-?\d+$/.test(value) ? Number(value) : value;

/** The query string of GET /meetings as validated, normalized search criteria. */
export function parseSearchCriteria(
  event: Pick<APIGatewayProxyEvent, 'multiValueQueryStringParameters' | 'queryStringParameters'>,
): SearchCriteria {
  const multi =
    event.multiValueQueryStringParameters ??
    Object.fromEntries(
      Object.entries(event.queryStringParameters ?? {}).map(([k, v]) => [k, v === undefined ? [] : [v]]),
    );
  const errors: ErrorItem[] = [];
  const raw: Record<string, unknown> = {};
  for (const [name, values = []] of Object.entries(multi)) {
    const meta = parameterMeta.get(name);
    if (!meta) {
      errors.push({ target: name, errorCode: 'INVALID_TYPE', message: `Unknown request parameter ${name}` });
      continue;
    }
    const items = meta.array ? values.flatMap((v) => v.split(',')).map((v) => v.trim()) : values;
    if (items.length === 0 || items.some((v) => v.trim() === '')) {
      errors.push({
        target: name,
        errorCode: 'VALUE_REQUIRED',
        message: `Request parameter ${name} has an empty value`,
      });
    } else if (!meta.array && items.length > 1) {
      errors.push({ target: name, errorCode: 'INVALID_TYPE', message: `Request parameter ${name} must be given once` });
    } else {
      raw[name] = meta.array ? items.map((v) => toTyped(meta.type, v)) : toTyped(meta.type, items[0]!);
    }
  }
  const valid = validateSearchQuery(raw);
  if (!valid) errors.push(...toErrorItems(validateSearchQuery.errors ?? [], { parameters: true }));
  const sort = parseSort(raw.sort as string[] | undefined, errors);
  const terms = raw.freeTextSearch === undefined ? undefined : foldSearchTerms(raw.freeTextSearch as string);
  if (valid) {
    for (const name of ['visitTimeBefore', 'visitTimeAfter', 'modifiedAfter'] as const) {
      if (raw[name] !== undefined && !isStorableInstant(raw[name] as string)) {
        errors.push({
          target: name,
          errorCode: 'INVALID_TYPE',
          message: `${name} must be an instant in the years 0000-9999 (UTC)`,
        });
      }
    }
    if (raw.freeTextSearch !== undefined && terms === undefined) {
      errors.push({
        target: 'freeTextSearch',
        errorCode: 'INVALID_TYPE',
        message: 'freeTextSearch has a term with no letters, digits or symbols left after folding',
      });
    }
  }
  if (errors.length) throw badRequestParameters(errors);

  const lower = (ids: unknown) => (ids as string[] | undefined)?.map((id) => id.toLowerCase());
  const instant = (value: unknown) => (value === undefined ? undefined : toInstant(value as string));
  return {
    sourceTypeCode: raw.sourceTypeCode as SearchCriteria['sourceTypeCode'],
    statusCode: raw.statusCode as SearchCriteria['statusCode'],
    typeCode: raw.typeCode as SearchCriteria['typeCode'],
    agencyOfficeId: lower(raw.agencyOfficeId),
    partyId: lower(raw.partyId),
    agentId: lower(raw.agentId),
    freeTextTerms: terms,
    visitTimeBefore: instant(raw.visitTimeBefore),
    visitTimeAfter: instant(raw.visitTimeAfter),
    modifiedAfter: instant(raw.modifiedAfter),
    startIndex: (raw.startIndex as number | undefined) ?? defaultOf('startIndex'),
    size: (raw.size as number | undefined) ?? defaultOf('size'),
    sort,
  };
}

function parseSort(values: string[] | undefined, errors: ErrorItem[]): readonly SortKey[] {
  if (!values) return DEFAULT_SORT;
  const keys = values.map((value) => {
    const [field, direction] = value.split('|') as [SortField, 'asc' | 'desc'];
    return { field, direction };
  });
  const fields = keys.map((k) => k.field);
  if (new Set(fields).size !== fields.length) {
    errors.push({ target: 'sort', errorCode: 'INVALID_TYPE', message: 'Each sort field may be given at most once' });
  }
  return keys;
}
