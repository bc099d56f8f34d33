/**
 * The dev stage, ready to run locally: synthesized (or from the cache), its template read with the
 * local table's names and ARNs, each role given local credentials, and its functions started as
 * deployed behind the IAM enforcement point.
 */
import { erasureLedgerTableName, type TableRole } from '../../shared/dynamodb/table-definition.js';
import { describeLocalTable } from '../dynamodb-local.js';
import type { KeySchemas } from './dynamodb-authorization.js';
import { DeployedFunctions, type FunctionDefinition } from './function-host.js';
import type { Principal } from './iam-enforcement.js';
import { functionEnvironment, localCredentialsOf, type LocalTable } from './local-values.js';
import { readDeployedStack, type DeployedStack } from './stack-template.js';
import { synthesizeDevStage, type SynthesizedStack } from './synthesized-stack.js';

export interface PreparedStack {
  stack: DeployedStack;
  /** The meetings table and the erasure ledger as DynamoDB Local has them. */
  tables: Record<TableRole, LocalTable>;
  synthesis: SynthesizedStack;
  schemas: KeySchemas;
}

export async function prepareLocalStack(options: {
  dynamoDbEndpoint: string;
  tableName: string;
  requireApiKey: boolean;
}): Promise<PreparedStack> {
  const synthesis = await synthesizeDevStage({ requireApiKey: options.requireApiKey });
  const names: Record<TableRole, string> = {
    meetings: options.tableName,
    'erasure-ledger': erasureLedgerTableName(options.tableName),
  };
  const partitionKeyOf = (keys: Array<{ AttributeName?: string; KeyType?: string }> = []) =>
    keys.find((key) => key.KeyType === 'HASH')!.AttributeName!;
  const tables = {} as Record<TableRole, LocalTable>;
  const schemas: KeySchemas = {};
  for (const [role, name] of Object.entries(names) as Array<[TableRole, string]>) {
    const description = await describeLocalTable(options.dynamoDbEndpoint, name);
    tables[role] = { name, arn: description.TableArn!, streamArn: description.LatestStreamArn };
    schemas[name] = {
      arn: description.TableArn!,
      streamArn: description.LatestStreamArn,
      partitionKey: partitionKeyOf(description.KeySchema),
      indexes: Object.fromEntries(
        (description.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName!, partitionKeyOf(index.KeySchema)]),
      ),
    };
  }
  const [, , , region, accountId] = tables.meetings.arn.split(':') as [string, string, string, string, string];
  const stack = readDeployedStack(synthesis.assemblyDir, synthesis.templateFile, { accountId, region }, tables);
  return { stack, tables, synthesis, schemas };
}

/** Who may call the enforcement point: every role of the template, as its functions or pipes. */
export function principalsOf(stack: DeployedStack): Map<string, Principal> {
  const sessionNames = new Map<string, string>();
  for (const fn of stack.functions.values()) sessionNames.set(fn.roleArn, fn.sourceName);
  const principals = new Map<string, Principal>();
  for (const [roleArn, policies] of stack.roles) {
    principals.set(localCredentialsOf(roleArn).accessKeyId, {
      roleArn,
      sessionName: sessionNames.get(roleArn) ?? roleArn.split('/').pop()!,
      policies,
    });
  }
  return principals;
}

/** The stack's functions as deployed, reaching DynamoDB through the enforcement point. */
export function deployedFunctions(
  stack: DeployedStack,
  settings: {
    enforcementEndpoint: string;
    tokenIssuer: Record<string, string>;
    env?: Record<string, string | undefined>;
  },
): DeployedFunctions {
  const definitions = new Map<string, FunctionDefinition>();
  for (const fn of stack.functions.values()) {
    definitions.set(fn.logicalId, {
      name: fn.logicalId,
      bundleDir: fn.bundleDir,
      handler: fn.handler,
      timeoutSeconds: fn.timeoutSeconds,
      environment: functionEnvironment(
        fn.environment,
        { dynamoDbEndpoint: settings.enforcementEndpoint, tokenIssuer: settings.tokenIssuer, env: settings.env },
        {
          functionName: fn.sourceName,
          handler: fn.handler,
          memoryMb: fn.memoryMb,
          region: stack.account.region,
          credentials: localCredentialsOf(fn.roleArn),
        },
      ),
    });
  }
  return new DeployedFunctions(definitions);
}
