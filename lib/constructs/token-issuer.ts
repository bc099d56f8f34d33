import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type { Construct } from 'constructs';
import { DEFAULT_SCOPES, DEFAULT_TENANT_CLAIM } from '../../shared/auth/auth-defaults.js';
import { STACK_OUTPUTS } from '../../shared/stack-outputs.js';
import { stageOf } from '../stage.js';
import { FlatConstruct } from './flat-construct.js';

/** Settings of an external token issuer; without them the stack creates a Cognito user pool. */
export interface ExternalIssuer {
  issuer: string;
  jwksUri: string;
  /** Comma-separated audiences, or * to not check aud. */
  audience: string;
  tenantClaim?: string;
  readScope?: string;
  writeScope?: string;
  privacyScope?: string;
}

/** Who issues the tokens the authorizer accepts, as the authorizer's environment. */
export interface TokenIssuer {
  readonly environment: Record<string, string>;
  readonly userPool?: cognito.UserPool;
}

export const externalTokenIssuer = (issuer: ExternalIssuer): TokenIssuer => ({
  environment: {
    JWT_ISSUER: issuer.issuer,
    JWT_JWKS_URI: issuer.jwksUri,
    JWT_AUDIENCE: issuer.audience,
    JWT_TENANT_CLAIM: issuer.tenantClaim ?? DEFAULT_TENANT_CLAIM,
    JWT_READ_SCOPE: issuer.readScope ?? DEFAULT_SCOPES.read,
    JWT_WRITE_SCOPE: issuer.writeScope ?? DEFAULT_SCOPES.write,
    JWT_PRIVACY_SCOPE: issuer.privacyScope ?? DEFAULT_SCOPES.privacy,
  },
});

/**
 * A Cognito user pool issuing client-credentials tokens. Each partner system is an app client and
 * its client_id is its tenant (Cognito access tokens carry no aud).
 */
export class CognitoTokenIssuer extends FlatConstruct implements TokenIssuer {
  readonly environment: Record<string, string>;
  readonly userPool: cognito.UserPool;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const stack = Stack.of(this);
    const pool = new cognito.UserPool(this, 'ClientPool', {
      selfSignUpEnabled: false,
      removalPolicy: stageOf(this).removalPolicy,
      passwordPolicy: {
        minLength: 12,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
      },
    });
    // Cognito names a scope `<resource server>/<scope>`: the defaults, meetings/read and meetings/write.
    const [identifier, readName] = DEFAULT_SCOPES.read.split('/') as [string, string];
    const writeName = DEFAULT_SCOPES.write.split('/')[1]!;
    const read = new cognito.ResourceServerScope({ scopeName: readName, scopeDescription: 'Read and search meetings' });
    const write = new cognito.ResourceServerScope({
      scopeName: writeName,
      scopeDescription: 'Create, update and delete meetings',
    });
    // A data subject's rights (erasure, export): granted to no client by default.
    const privacy = new cognito.ResourceServerScope({
      scopeName: DEFAULT_SCOPES.privacy.split('/')[1]!,
      scopeDescription: "Erase and export a data subject's meetings",
    });
    const server = pool.addResourceServer('MeetingsResourceServer', { identifier, scopes: [read, write, privacy] });
    const client = pool.addClient('DemoPartnerClient', {
      generateSecret: true,
      oAuth: {
        flows: { clientCredentials: true },
        scopes: [cognito.OAuthScope.resourceServer(server, read), cognito.OAuthScope.resourceServer(server, write)],
      },
      accessTokenValidity: Duration.minutes(15),
    });
    // The account as is: 12 digits, or (synthesized without an account) CloudFormation's AWS::AccountId.
    const domain = pool.addDomain('TokenDomain', {
      cognitoDomain: { domainPrefix: `meeting-api-${stageOf(this).name}-${stack.account}` },
    });
    new CfnOutput(this, STACK_OUTPUTS.tokenUrl, { value: `${domain.baseUrl()}/oauth2/token` });
    new CfnOutput(this, 'DemoClientId', { value: client.userPoolClientId });
    new CfnOutput(this, STACK_OUTPUTS.userPoolId, { value: pool.userPoolId });
    const issuer = `https://cognito-idp.${stack.region}.amazonaws.com/${pool.userPoolId}`;
    this.userPool = pool;
    this.environment = {
      JWT_ISSUER: issuer,
      JWT_JWKS_URI: `${issuer}/.well-known/jwks.json`,
      JWT_AUDIENCE: '*',
      JWT_TENANT_CLAIM: 'client_id',
      JWT_READ_SCOPE: DEFAULT_SCOPES.read,
      JWT_WRITE_SCOPE: DEFAULT_SCOPES.write,
      JWT_PRIVACY_SCOPE: DEFAULT_SCOPES.privacy,
    };
  }
}
