import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { signRequest } from '../../shared/dynamodb/aws-signature-v4.js';

// The AWS Signature Version 4 test suite's example credentials and instant.
const suite = {
  region: 'us-east-1',
  service: 'service',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
  now: new Date('2015-08-30T12:36:00Z'),
  url: new URL('https://example.amazonaws.com/'),
  headers: {},
  body: '',
};
const scope = 'AKIDEXAMPLE/20150830/us-east-1/service/aws4_request';

describe('SigV4 signer', () => {
  it('reproduces the test suite: get-vanilla', () => {
    expect(signRequest({ ...suite, method: 'GET' })).toEqual({
      host: 'example.amazonaws.com',
      'x-amz-date': '20150830T123600Z',
      authorization: `AWS4-HMAC-SHA256 Credential=${scope}, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31`,
    });
  });

  it('reproduces the test suite: post-vanilla', () => {
    expect(signRequest({ ...suite, method: 'POST' }).authorization).toBe(
      `AWS4-HMAC-SHA256 Credential=${scope}, SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b`,
    );
  });

  it('reproduces the test suite: get-vanilla-query-order-key-case', () => {
    expect(signRequest({ ...suite, method: 'GET', url: new URL('https://example.amazonaws.com/?Param2=value2&Param1=value1') }).authorization).toMatch(
      /Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500$/,
    );
  });

  it('signs the session token, the body and every given header', () => {
    const signed = (changes: Partial<typeof suite> & { sessionToken?: string }) =>
      signRequest({
        ...suite,
        method: 'POST',
        headers: { 'x-amz-target': 'DynamoDB_20120810.GetItem', 'content-type': 'application/x-amz-json-1.0' },
        body: '{"TableName":"t"}',
        ...changes,
        credentials: { ...suite.credentials, sessionToken: changes.sessionToken },
      });
    const withToken = signed({ sessionToken: 'token-1' });
    expect(withToken['x-amz-security-token']).toBe('token-1');
    expect(withToken.authorization).toContain('SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target,');
    const signature = (headers: Record<string, string>) => headers.authorization!.split('Signature=')[1];
    expect(signature(signed({ sessionToken: 'token-2' }))).not.toBe(signature(withToken));
    expect(signature(signed({ sessionToken: 'token-1', body: '{"TableName":"u"}' }))).not.toBe(signature(withToken));
    expect(signature(signed({ sessionToken: 'token-1', region: 'eu-north-1' }))).not.toBe(signature(withToken));
    expect(signature(signed({ sessionToken: 'token-1' }))).toBe(signature(withToken));
  });

  it('agrees with the AWS SDK\'s signer on DynamoDB calls (session token, JSON body, custom port)', async () => {
    // The SDK's hash interface over node:crypto: a keyed instance is an HMAC.
    type SourceData = string | ArrayBuffer | ArrayBufferView;
    const bytes = (data: SourceData) =>
      typeof data === 'string' ? Buffer.from(data, 'utf8') : ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data);
    class Sha256 {
      private readonly hash;
      constructor(secret?: SourceData) {
        this.hash = secret ? createHmac('sha256', bytes(secret)) : createHash('sha256');
      }
      update(data: SourceData) {
        this.hash.update(bytes(data));
      }
      async digest() {
        return new Uint8Array(this.hash.digest());
      }
    }
    const credentials = { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret/with+chars', sessionToken: 'IQoJb3JpZ2luX2VjE//token==' };
    for (const [endpoint, region, body] of [
      ['https://dynamodb.eu-north-1.amazonaws.com', 'eu-north-1', JSON.stringify({ TableName: 'meetings', Key: { pk: { S: 'TENANT#t#MEETING#Kävijä' }, sk: { S: 'MEETING' } } })],
      ['http://127.0.0.1:8000', 'local', JSON.stringify({ TransactItems: [], ClientRequestToken: 'c0ffee' })],
    ] as const) {
      const url = new URL(endpoint);
      const now = new Date('2026-11-28T08:15:42Z');
      const headers = { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.GetItem' };
      const ours = signRequest({ method: 'POST', url, headers, body, region, service: 'dynamodb', credentials, now });
      const sdk = new SignatureV4({ service: 'dynamodb', region, credentials, sha256: Sha256, applyChecksum: false });
      const theirs = await sdk.sign(
        { method: 'POST', protocol: url.protocol, hostname: url.hostname, port: url.port ? Number(url.port) : undefined, path: '/', query: {}, headers: { ...headers, host: url.host }, body },
        { signingDate: now },
      );
      expect(ours.authorization).toBe(theirs.headers.authorization);
    }
  });
});
