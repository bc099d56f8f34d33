/**
 * What IAM authorizes for one DynamoDB (or DynamoDB Streams) API call: each action, on each
 * resource, with the condition keys the call carries, as AWS evaluates it. A transaction or batch
 * is authorized item by item, with the item's own action (a Put in TransactWriteItems is
 * dynamodb:PutItem). Pure: the enforcement point feeds it the request and the tables' key schemas.
 */

type AttributeValue = Record<string, unknown>;
type Item = Record<string, AttributeValue>;

export interface KeySchemas {
  /** Table name -> its ARN, partition key attribute, and each index's partition key attribute. */
  [tableName: string]: { arn: string; partitionKey: string; indexes: Record<string, string>; streamArn?: string };
}

export interface AuthorizationRequest {
  action: string;
  resource: string;
  context: Record<string, string | string[]>;
}

export class UnauthorizableRequestError extends Error {}

const scalar = (value: AttributeValue | undefined): string | undefined => {
  if (!value) return undefined;
  const inner = value.S ?? value.N ?? value.B;
  return typeof inner === 'string' ? inner : undefined;
};

function table(schemas: KeySchemas, name: unknown) {
  const schema = schemas[String(name)];
  if (!schema) throw new UnauthorizableRequestError(`unknown table ${String(name)}`);
  return schema;
}

/**
 * dynamodb:LeadingKeys of the items a call names. An item without a readable partition key cannot
 * be authorized: evaluated without the key, a ForAllValues condition would pass on nothing.
 */
const leadingKeys = (partitionKey: string, items: Item[]): Record<string, string[]> => {
  const values = items.map((item) => scalar(item[partitionKey]));
  if (values.some((value) => value === undefined))
    throw new UnauthorizableRequestError(`an item without its partition key ${partitionKey}`);
  return values.length ? { 'dynamodb:LeadingKeys': [...new Set(values as string[])] } : {};
};

const requestOptions = (body: Record<string, unknown>, keys: string[]) =>
  Object.fromEntries(
    keys.filter((key) => typeof body[key] === 'string').map((key) => [`dynamodb:${key}`, String(body[key])]),
  );

/**
 * The partition key value a Query names: in its key condition (`pk = :v` or `:v = pk`, names and
 * values by placeholder) or in the legacy KeyConditions. None readable: the call cannot be authorized.
 */
function queriedPartitionKey(body: Record<string, unknown>, partitionKey: string): string {
  const names = (body.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (body.ExpressionAttributeValues ?? {}) as Item;
  const expression = typeof body.KeyConditionExpression === 'string' ? body.KeyConditionExpression : '';
  const attribute = (token: string) => (token.startsWith('#') ? names[token] : token);
  for (const match of expression.matchAll(/(:?#?[\w.-]+)\s*=\s*(:?#?[\w.-]+)/g)) {
    const [left, right] = [match[1]!, match[2]!];
    const [name, value] = left.startsWith(':') ? [right, left] : [left, right];
    if (attribute(name) === partitionKey && value.startsWith(':')) {
      const found = scalar(values[value]);
      if (found !== undefined) return found;
    }
  }
  const legacy = (body.KeyConditions as Record<string, { AttributeValueList?: AttributeValue[] }> | undefined)?.[
    partitionKey
  ];
  const found = scalar(legacy?.AttributeValueList?.[0]);
  if (found === undefined) throw new UnauthorizableRequestError(`a Query without its partition key ${partitionKey}`);
  return found;
}

const ITEM_ACTIONS = new Set(['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem']);
const TRANSACT_WRITE_ACTIONS: Record<string, string> = {
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  ConditionCheck: 'ConditionCheckItem',
};

/** The authorization requests of one call: `target` is the X-Amz-Target header, `body` its JSON. */
export function authorizationRequests(
  target: string,
  body: Record<string, unknown>,
  schemas: KeySchemas,
): AuthorizationRequest[] {
  const [service, operation = ''] = target.split('.');
  if (service?.startsWith('DynamoDBStreams')) {
    // A shard iterator names its stream first, as DynamoDB's and DynamoDB Local's do ("<stream ARN>|...").
    const iterator = typeof body.ShardIterator === 'string' ? body.ShardIterator : undefined;
    const streamArn =
      typeof body.StreamArn === 'string'
        ? body.StreamArn
        : Object.values(schemas).find((schema) => schema.streamArn && iterator?.startsWith(`${schema.streamArn}|`))
            ?.streamArn;
    if (operation === 'ListStreams') return [{ action: 'dynamodb:ListStreams', resource: '*', context: {} }];
    if (!streamArn) throw new UnauthorizableRequestError('no stream');
    return [{ action: `dynamodb:${operation}`, resource: streamArn, context: {} }];
  }
  if (!service?.startsWith('DynamoDB')) throw new UnauthorizableRequestError(`not a DynamoDB call: ${target}`);

  if (ITEM_ACTIONS.has(operation)) {
    const schema = table(schemas, body.TableName);
    const item = (operation === 'PutItem' ? body.Item : body.Key) as Item;
    return [
      {
        action: `dynamodb:${operation}`,
        resource: schema.arn,
        context: {
          ...leadingKeys(schema.partitionKey, [item ?? {}]),
          ...requestOptions(body, ['ReturnValues', 'ReturnConsumedCapacity']),
        },
      },
    ];
  }
  if (operation === 'Query' || operation === 'Scan') {
    const schema = table(schemas, body.TableName);
    const index = typeof body.IndexName === 'string' ? body.IndexName : undefined;
    if (index && !(index in schema.indexes)) throw new UnauthorizableRequestError(`unknown index ${index}`);
    const partitionKey = index ? schema.indexes[index]! : schema.partitionKey;
    const queried = operation === 'Query' ? [queriedPartitionKey(body, partitionKey)] : [];
    return [
      {
        action: `dynamodb:${operation}`,
        resource: index ? `${schema.arn}/index/${index}` : schema.arn,
        context: {
          ...(queried.length ? { 'dynamodb:LeadingKeys': queried } : {}),
          ...requestOptions(body, ['Select', 'ReturnConsumedCapacity']),
        },
      },
    ];
  }
  if (operation === 'BatchGetItem' || operation === 'BatchWriteItem') {
    const requestItems = (body.RequestItems ?? {}) as Record<string, unknown>;
    return Object.entries(requestItems).map(([tableName, request]) => {
      const schema = table(schemas, tableName);
      const keys =
        operation === 'BatchGetItem'
          ? ((request as { Keys?: Item[] }).Keys ?? [])
          : (request as Array<{ PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } }>).map(
              (entry) => entry.PutRequest?.Item ?? entry.DeleteRequest?.Key ?? {},
            );
      return {
        action: `dynamodb:${operation}`,
        resource: schema.arn,
        context: { ...leadingKeys(schema.partitionKey, keys), ...requestOptions(body, ['ReturnConsumedCapacity']) },
      };
    });
  }
  if (operation === 'TransactWriteItems' || operation === 'TransactGetItems') {
    const entries = (body.TransactItems ?? []) as Array<Record<string, { TableName: string; Key?: Item; Item?: Item }>>;
    return entries.flatMap((entry) =>
      Object.entries(entry).map(([kind, request]) => {
        const schema = table(schemas, request.TableName);
        const action = operation === 'TransactGetItems' ? 'GetItem' : TRANSACT_WRITE_ACTIONS[kind];
        if (!action) throw new UnauthorizableRequestError(`unknown transaction entry ${kind}`);
        return {
          action: `dynamodb:${action}`,
          resource: schema.arn,
          context: leadingKeys(schema.partitionKey, [request.Item ?? request.Key ?? {}]),
        };
      }),
    );
  }
  // Table-level calls (DescribeTable, UpdateTable, ...): the table, or every table for ListTables.
  if (operation === 'ListTables') return [{ action: 'dynamodb:ListTables', resource: '*', context: {} }];
  return [{ action: `dynamodb:${operation}`, resource: table(schemas, body.TableName).arn, context: {} }];
}
