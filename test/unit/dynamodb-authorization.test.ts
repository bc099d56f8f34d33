/**
 * What the local IAM enforcement point asks IAM for each DynamoDB call: the action per item of a
 * transaction or batch, the table or index ARN, and dynamodb:LeadingKeys; a call whose partition
 * key it cannot read is refused rather than evaluated without the key.
 */
import { describe, expect, it } from 'vitest';
import {
  authorizationRequests,
  UnauthorizableRequestError,
  type KeySchemas,
} from '../../local/runtime/dynamodb-authorization.js';

const arn = 'arn:aws:dynamodb:ddblocal:000000000000:table/meetings';
const streamArn = `${arn}/stream/2026-12-02T00:00:00.000`;
const schemas: KeySchemas = {
  meetings: { arn, streamArn, partitionKey: 'pk', indexes: { byOffice: 'officeKey' } },
};
const ask = (operation: string, body: Record<string, unknown>) =>
  authorizationRequests(`DynamoDB_20120810.${operation}`, body, schemas);

describe('authorization requests of DynamoDB calls', () => {
  it('an item call: its action on the table, the item partition key as LeadingKeys, ReturnValues', () => {
    expect(ask('PutItem', { TableName: 'meetings', Item: { pk: { S: 'T#a' } }, ReturnValues: 'ALL_OLD' })).toEqual([
      {
        action: 'dynamodb:PutItem',
        resource: arn,
        context: { 'dynamodb:LeadingKeys': ['T#a'], 'dynamodb:ReturnValues': 'ALL_OLD' },
      },
    ]);
  });

  it('a Query: the index ARN and the key it queries, on either side of =, or in the legacy KeyConditions', () => {
    const byIndex = ask('Query', {
      TableName: 'meetings',
      IndexName: 'byOffice',
      KeyConditionExpression: ':o = #o AND visitKey > :v',
      ExpressionAttributeNames: { '#o': 'officeKey' },
      ExpressionAttributeValues: { ':o': { S: 'OFFICE#1' }, ':v': { S: '2026' } },
    });
    expect(byIndex).toEqual([
      {
        action: 'dynamodb:Query',
        resource: `${arn}/index/byOffice`,
        context: { 'dynamodb:LeadingKeys': ['OFFICE#1'] },
      },
    ]);
    const legacy = ask('Query', {
      TableName: 'meetings',
      KeyConditions: { pk: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'T#b' }] } },
    });
    expect(legacy[0]!.context).toEqual({ 'dynamodb:LeadingKeys': ['T#b'] });
  });

  it('refuses a call whose partition key it cannot read', () => {
    expect(() =>
      ask('Query', {
        TableName: 'meetings',
        KeyConditionExpression: 'begins_with(pk, :p)',
        ExpressionAttributeValues: { ':p': { S: 'T#' } },
      }),
    ).toThrow(UnauthorizableRequestError);
    expect(() => ask('GetItem', { TableName: 'meetings', Key: { sk: { S: 'MEETING' } } })).toThrow(
      UnauthorizableRequestError,
    );
    expect(() => ask('GetItem', { TableName: 'other', Key: { pk: { S: 'x' } } })).toThrow(UnauthorizableRequestError);
  });

  it('a transaction: each entry with its own item action and partition key', () => {
    const requests = ask('TransactWriteItems', {
      TransactItems: [
        { Put: { TableName: 'meetings', Item: { pk: { S: 'A' } } } },
        { Delete: { TableName: 'meetings', Key: { pk: { S: 'B' } } } },
        { ConditionCheck: { TableName: 'meetings', Key: { pk: { S: 'C' } } } },
      ],
    });
    expect(requests.map((request) => [request.action, request.context['dynamodb:LeadingKeys']])).toEqual([
      ['dynamodb:PutItem', ['A']],
      ['dynamodb:DeleteItem', ['B']],
      ['dynamodb:ConditionCheckItem', ['C']],
    ]);
  });

  it('a batch read: BatchGetItem on the table with every key', () => {
    expect(
      ask('BatchGetItem', { RequestItems: { meetings: { Keys: [{ pk: { S: 'A' } }, { pk: { S: 'B' } }] } } }),
    ).toEqual([{ action: 'dynamodb:BatchGetItem', resource: arn, context: { 'dynamodb:LeadingKeys': ['A', 'B'] } }]);
  });

  it("stream reads: on the stream ARN, a shard iterator's own stream (the one it names first)", () => {
    const ledgerStream = `${arn}-erasure-ledger/stream/2026-12-02T00:00:00.000`;
    const both = {
      ...schemas,
      'meetings-erasure-ledger': {
        arn: `${arn}-erasure-ledger`,
        streamArn: ledgerStream,
        partitionKey: 'pk',
        indexes: {},
      },
    };
    for (const stream of [streamArn, ledgerStream])
      expect(
        authorizationRequests('DynamoDBStreams_20120810.GetRecords', { ShardIterator: `${stream}|001|c2hhcmQ=` }, both),
      ).toEqual([{ action: 'dynamodb:GetRecords', resource: stream, context: {} }]);
    expect(() => authorizationRequests('DynamoDBStreams_20120810.GetRecords', { ShardIterator: 'x' }, both)).toThrow(
      /no stream/,
    );
  });
});
