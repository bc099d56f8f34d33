/**
 * Reference authorizer: aws-jwt-verify's JwtVerifier and an Allow policy for the called method,
 * as in AWS's Lambda authorizer examples. No scope or tenant checks, no logger.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { JwtVerifier } from 'aws-jwt-verify';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';

const verifier = JwtVerifier.create({
  issuer: process.env.JWT_ISSUER!,
  audience: process.env.JWT_AUDIENCE!,
  jwksUri: process.env.JWT_JWKS_URI!,
});
// The only deviation from the documented example: aws-jwt-verify fetches JWKS over https only,
// and the bench's dev issuer publishes its keys as a file:// URI. So the JWKS is read from that
// file and preloaded here, at module init (a real deployment would fetch it on the first verify).
verifier.cacheJwks(JSON.parse(readFileSync(fileURLToPath(process.env.JWT_JWKS_URI!), 'utf8')));

export const handler = async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
  const token = (event.headers?.Authorization ?? event.headers?.authorization ?? '').replace(/^Bearer /i, '');
  try {
    const payload = await verifier.verify(token);
    return {
      principalId: String(payload.sub),
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }],
      },
      context: { tenantId: typeof payload.tenant_id === 'string' ? payload.tenant_id : '' },
    };
  } catch {
    throw new Error('Unauthorized');
  }
};
