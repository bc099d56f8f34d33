/**
 * The stack's outputs that commands read (npm run -s partner, api-key, copy-meetings, privacy:replay):
 * the stack writes them under these keys, the commands find them by the same keys.
 */
export const STACK_OUTPUTS = {
  apiUrl: 'ApiUrl',
  tableName: 'TableName',
  erasureLedgerTableName: 'ErasureLedgerTableName',
  /** With Cognito as the token issuer only. */
  userPoolId: 'UserPoolId',
  tokenUrl: 'TokenUrl',
  /** 'true' when every call needs a partner key (deployed with -c requireApiKey=true). */
  partnerKeysRequired: 'PartnerKeysRequired',
} as const;
