/**
 * The local runner (local/start.ts) as a benchmark drives it: a separate process, started the way
 * a developer starts it, on a given table of DynamoDB Local; quiet below WARN.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningDynamoDb } from '../../local/dynamodb-local.js';

export interface LocalRunner {
  url: string;
  pid: number;
  /** Settles when the runner says it listens; rejects when it exits first. */
  listening: Promise<void>;
  /** Stops the runner first (it holds connections to the table), then the table, then the files. */
  stopAll(): Promise<void>;
}

export function startLocalRunner(options: {
  dataDir: string;
  db: RunningDynamoDb;
  tableName: string;
  port: number;
}): LocalRunner {
  const { dataDir, db, tableName, port } = options;
  const child = spawn(join('node_modules', '.bin', 'tsx'), ['local/start.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      DYNAMODB_ENDPOINT: db.endpoint,
      TABLE_NAME: tableName,
      POWERTOOLS_LOG_LEVEL: 'WARN',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const listening = new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += String(chunk);
      if (out.includes('listening on')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`local runner exited (${code})`)));
  });
  listening.catch(() => {}); // awaited by the caller; an exit during stopAll is expected
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    listening,
    async stopAll() {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
      await db.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
