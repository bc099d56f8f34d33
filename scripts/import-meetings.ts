/**
 * npm run -s import -- --url URL --token TOKEN --file meetings.ndjson [--api-key KEY]
 *   [--concurrency N] [--failures FILE]
 * Imports a file of meetings (one JSON object per line) through POST /meetings/batch; safe to run
 * again (each line's key makes its create idempotent). Prints progress (a bar on a terminal, plain
 * lines otherwise) on stderr, then `created N, replayed N, failed N, total N` on stdout; writes each
 * failed line's number and error to the failures file; exits 0 only when no line failed.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SingleBar, Presets } from 'cli-progress';
import { createMeetingApiClient } from '../clients/typescript/index.js';
import { writeOwnerOnly } from '../local/owner-only-files.js';
import { importLines, linesOf, summaryLine, type ImportCounts } from './import/meeting-import.js';

const USAGE =
  'usage: npm run -s import -- --url URL --token TOKEN --file meetings.ndjson [--api-key KEY] [--concurrency N] [--failures FILE]';
const DEFAULT_CONCURRENCY = 4;
/** Plain progress lines at most this often (when stderr is not a terminal). */
const PLAIN_PROGRESS_MS = 5_000;

function usage(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      url: { type: 'string' },
      token: { type: 'string' },
      file: { type: 'string' },
      'api-key': { type: 'string' },
      concurrency: { type: 'string', default: String(DEFAULT_CONCURRENCY) },
      failures: { type: 'string' },
      help: { type: 'boolean' },
    },
  }));
} catch (error) {
  usage((error as Error).message);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!values.url || !values.token || !values.file) usage('--url, --token and --file are required');
const concurrency = Number(values.concurrency);
if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
  usage('--concurrency must be a whole number from 1 to 64');
const failuresFile = values.failures ?? `${values.file}.failures.ndjson`;

let content: string;
try {
  content = readFileSync(values.file, 'utf8');
} catch (error) {
  usage(`cannot read ${values.file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
}
const lines = linesOf(content);

const describe = (counts: ImportCounts) =>
  `created ${counts.created}, replayed ${counts.replayed}, failed ${counts.failed}`;
let onProgress: (done: number, counts: ImportCounts) => void;
let finish = () => {};
if (process.stderr.isTTY) {
  const bar = new SingleBar(
    { format: 'import [{bar}] {value}/{total} lines | {counts} | eta {eta_formatted}', hideCursor: true },
    Presets.shades_classic,
  );
  bar.start(lines.length, 0, { counts: '' });
  onProgress = (done, counts) => bar.update(done, { counts: describe(counts) });
  finish = () => bar.stop();
} else {
  let last = 0;
  onProgress = (done, counts) => {
    if (Date.now() - last < PLAIN_PROGRESS_MS && done < lines.length) return;
    last = Date.now();
    console.error(`import: ${done}/${lines.length} lines (${describe(counts)})`);
  };
}

const api = createMeetingApiClient({ baseUrl: values.url, token: values.token, apiKey: values['api-key'] });
const { counts, failures } = await importLines({ api, lines, concurrency, onProgress });
finish();
// Failed lines may hold personal data: the file is for its owner only.
writeOwnerOnly(failuresFile, failures.map((failure) => `${JSON.stringify(failure)}\n`).join(''));
console.log(summaryLine(counts));
if (failures.length) console.error(`failed lines: ${failuresFile}`);
process.exit(counts.failed === 0 ? 0 : 1);
