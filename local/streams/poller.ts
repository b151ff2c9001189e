// Reads a DynamoDB Local stream and invokes a handler with Lambda's DynamoDB event shape, using
// the event source mapping's settings: batch size, batching window, retries, bisect on error,
// partial batch responses (ReportBatchItemFailures) and a failure destination. Shards are read in
// order; each batch comes from one shard, as in Lambda.
//
// Checkpoints follow Lambda's: a batch (or bisected half) that succeeded moves the shard's
// checkpoint to its last record; a partial batch response moves it to just before the lowest
// reported sequence number and retries from there. The checkpoint is written after the handler
// returns, so a crash in between redelivers records the handler already committed: handlers must
// be idempotent per record (at-least-once delivery, as on AWS).
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  TrimmedDataAccessException,
  GetShardIteratorCommand,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

export interface StreamSourceSettings {
  batchSize: number;
  maxBatchingWindowSeconds: number;
  retryAttempts: number;
  bisectBatchOnError: boolean;
  /** The handler may return `{ batchItemFailures: [{ itemIdentifier: SequenceNumber }] }`. */
  reportBatchItemFailures?: boolean;
}

export interface LambdaStreamRecord {
  eventID: string;
  eventName: string;
  eventVersion: string;
  eventSource: string;
  awsRegion: string;
  eventSourceARN: string;
  dynamodb: Record<string, unknown> & { SequenceNumber: string };
}

export interface PollerOptions extends StreamSourceSettings {
  endpoint: string;
  region?: string;
  streamArn: string;
  handler: (event: { Records: LambdaStreamRecord[] }) => Promise<unknown>;
  /** Where to remember the last processed sequence number per shard (persistent data only). */
  checkpointFile?: string;
  pollIntervalMs?: number;
  /** The failure destination: batches that exhausted their retries. */
  onFailure?: (records: LambdaStreamRecord[], error: unknown) => void;
  /** Where read failures are reported (default: console.error). */
  log?: (line: string) => void;
  /** Called after the handler committed and before the checkpoint is written (fault injection in tests). */
  beforeCheckpoint?: (shardId: string, lastSequence: string) => void;
}

export interface StreamPoller {
  /** Resolves once every record written before the call has been handed to the handler. */
  drain(timeoutMs?: number): Promise<void>;
  /**
   * Holds reading (records wait in the stream) until resume(): tests use it to hand the handler a
   * known batch, e.g. to price a burst of events folded together.
   */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
  stats: { batches: number; records: number; failures: number };
}

interface ShardState {
  iterator?: string;
  lastSequence?: string;
  closed: boolean;
}

function toLambdaRecord(r: _Record, streamArn: string): LambdaStreamRecord {
  const d = r.dynamodb ?? {};
  return {
    eventID: r.eventID ?? '',
    eventName: r.eventName ?? 'MODIFY',
    eventVersion: r.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: r.awsRegion ?? 'us-east-1',
    eventSourceARN: streamArn,
    dynamodb: {
      ...d,
      ApproximateCreationDateTime: d.ApproximateCreationDateTime ? Math.floor(new Date(d.ApproximateCreationDateTime).getTime() / 1000) : undefined,
      SequenceNumber: d.SequenceNumber ?? '0',
    },
  };
}

const MAX_BACKOFF_MS = 30_000;

export function startStreamPoller(options: PollerOptions): StreamPoller {
  const client = new DynamoDBStreamsClient({
    region: options.region ?? 'us-east-1',
    endpoint: options.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const checkpoints: Record<string, string> =
    options.checkpointFile && existsSync(options.checkpointFile) ? JSON.parse(readFileSync(options.checkpointFile, 'utf8')) : {};
  const shards = new Map<string, ShardState>();
  const stats = { batches: 0, records: 0, failures: 0 };
  let running = true;
  let paused = false;
  let idle = false;
  let wake: (() => void) | undefined;
  const sleep = (ms: number) => new Promise<void>((r) => { const t = setTimeout(r, ms); wake = () => { clearTimeout(t); r(); }; });

  async function refreshShards(): Promise<void> {
    const out = await client.send(new DescribeStreamCommand({ StreamArn: options.streamArn }));
    for (const shard of out.StreamDescription?.Shards ?? []) {
      if (!shard.ShardId || shards.has(shard.ShardId)) continue;
      const after = checkpoints[shard.ShardId];
      const it = await client.send(
        new GetShardIteratorCommand({
          StreamArn: options.streamArn,
          ShardId: shard.ShardId,
          ShardIteratorType: after ? 'AFTER_SEQUENCE_NUMBER' : 'TRIM_HORIZON',
          SequenceNumber: after,
        }),
      );
      shards.set(shard.ShardId, { iterator: it.ShardIterator, lastSequence: after, closed: false });
    }
  }

  function checkpoint(id: string, state: ShardState, record: LambdaStreamRecord): void {
    options.beforeCheckpoint?.(id, record.dynamodb.SequenceNumber);
    state.lastSequence = record.dynamodb.SequenceNumber;
    if (!options.checkpointFile) return;
    checkpoints[id] = state.lastSequence;
    // Write-then-rename: a crash mid-write must not leave a checkpoint that cannot be parsed.
    writeFileSync(`${options.checkpointFile}.tmp`, JSON.stringify(checkpoints));
    renameSync(`${options.checkpointFile}.tmp`, options.checkpointFile);
  }

  /**
   * Index of the first record to retry from a partial batch response: -1 when none failed, 0 when
   * the response names a record that is not in the batch or no record at all (Lambda then treats
   * the whole batch as failed).
   */
  function firstFailed(result: unknown, records: LambdaStreamRecord[]): number {
    const failures = (result as { batchItemFailures?: unknown } | null | undefined)?.batchItemFailures;
    if (!Array.isArray(failures) || failures.length === 0) return -1;
    let first = records.length;
    for (const f of failures) {
      const id = (f as { itemIdentifier?: unknown } | null)?.itemIdentifier;
      const index = typeof id === 'string' && id ? records.findIndex((r) => r.dynamodb.SequenceNumber === id) : -1;
      if (index < 0) return 0;
      first = Math.min(first, index);
    }
    return first;
  }

  async function invoke(id: string, state: ShardState, records: LambdaStreamRecord[], attempt: number): Promise<void> {
    let failedFrom = 0;
    let error: unknown;
    let thrown = false;
    try {
      const result = await options.handler({ Records: records });
      stats.batches += 1;
      failedFrom = options.reportBatchItemFailures ? firstFailed(result, records) : -1;
      if (failedFrom === -1) {
        stats.records += records.length;
        checkpoint(id, state, records[records.length - 1]!);
        return;
      }
      stats.records += failedFrom;
      if (failedFrom > 0) checkpoint(id, state, records[failedFrom - 1]!);
      error = new Error(`the handler reported ${records.length - failedFrom} of ${records.length} records as failed`);
    } catch (e) {
      error = e;
      thrown = true;
    }
    const rest = records.slice(failedFrom);
    if (attempt >= options.retryAttempts) {
      stats.failures += 1;
      (options.onFailure ?? ((r, e) => console.error(`stream batch of ${r.length} records failed for good`, e)))(rest, error);
      checkpoint(id, state, rest[rest.length - 1]!);
      return;
    }
    // A partial batch response retries from the reported record; a thrown error bisects if asked to.
    if (thrown && options.bisectBatchOnError && rest.length > 1) {
      const half = Math.ceil(rest.length / 2);
      await invoke(id, state, rest.slice(0, half), attempt + 1);
      await invoke(id, state, rest.slice(half), attempt + 1);
    } else await invoke(id, state, rest, attempt + 1);
  }

  async function pollShard(id: string, state: ShardState): Promise<number> {
    if (!state.iterator) {
      state.closed = true;
      return 0;
    }
    const buffer: LambdaStreamRecord[] = [];
    const windowEnds = Date.now() + options.maxBatchingWindowSeconds * 1000;
    // Gather until the batch is full, the window has passed, or the shard has nothing more.
    for (;;) {
      let out;
      try {
        out = await client.send(new GetRecordsCommand({ ShardIterator: state.iterator, Limit: options.batchSize - buffer.length }));
      } catch (error) {
        // An expired iterator restarts after the last record read; one pointing at trimmed records
        // restarts at the oldest record still there (everything before it is gone, handled or not).
        if (!(error instanceof ExpiredIteratorException) && !(error instanceof TrimmedDataAccessException)) {
          // Records already read are past the iterator: hand them over rather than lose them.
          if (buffer.length > 0) break;
          throw error;
        }
        const after = buffer.length ? buffer[buffer.length - 1]!.dynamodb.SequenceNumber : state.lastSequence;
        const restartAfter = error instanceof ExpiredIteratorException && after;
        const it = await client.send(
          new GetShardIteratorCommand({
            StreamArn: options.streamArn,
            ShardId: id,
            ShardIteratorType: restartAfter ? 'AFTER_SEQUENCE_NUMBER' : 'TRIM_HORIZON',
            SequenceNumber: restartAfter ? after : undefined,
          }),
        );
        state.iterator = it.ShardIterator;
        continue;
      }
      state.iterator = out.NextShardIterator;
      const got = (out.Records ?? []).map((r) => toLambdaRecord(r, options.streamArn));
      buffer.push(...got);
      if (!state.iterator) state.closed = true;
      if (buffer.length >= options.batchSize || state.closed || Date.now() >= windowEnds) break;
      if (got.length === 0) {
        if (buffer.length === 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    if (buffer.length === 0) return 0;
    await invoke(id, state, buffer, 0);
    return buffer.length;
  }

  const log = options.log ?? ((line: string) => console.error(line));
  let failures = 0;
  let lastReason = '';
  const loop = (async () => {
    let sinceRefresh = Infinity;
    while (running) {
      try {
        if (sinceRefresh > 20) {
          await refreshShards();
          sinceRefresh = 0;
        }
        sinceRefresh += 1;
        let handled = 0;
        if (!paused) for (const [id, state] of shards) if (!state.closed) handled += await pollShard(id, state);
        idle = handled === 0;
        if (idle) await sleep(options.pollIntervalMs ?? 100);
        if (failures > 0) {
          log(`stream poller: reading the stream again after ${failures} failed attempt${failures === 1 ? '' : 's'}.`);
          failures = 0;
        }
      } catch (error) {
        if (!running) break;
        failures += 1;
        // Reported once (and again only if the reason changes), then retried with a growing delay:
        // a stopped DynamoDB Local must not fill the log every half second.
        const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        if (failures === 1 || reason !== lastReason) log(`stream poller: ${reason}; retrying with backoff (up to ${MAX_BACKOFF_MS / 1000} s).`);
        lastReason = reason;
        // Iterators do not survive a DynamoDB Local restart: read again after the last record handled.
        for (const [id, state] of shards) if (state.lastSequence) checkpoints[id] = state.lastSequence;
        shards.clear();
        sinceRefresh = Infinity;
        await sleep(Math.min(MAX_BACKOFF_MS, 500 * 2 ** (failures - 1)));
      }
    }
  })();

  return {
    stats,
    async drain(timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      // Two idle rounds in a row: everything written before drain() has been read and handled.
      let idleRounds = 0;
      while (idleRounds < 2) {
        if (Date.now() > deadline) throw new Error('stream poller did not drain in time');
        idle = false;
        wake?.();
        await new Promise((r) => setTimeout(r, 150));
        idleRounds = idle ? idleRounds + 1 : 0;
      }
    },
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      wake?.();
    },
    async stop() {
      running = false;
      wake?.();
      await loop;
      client.destroy();
    },
  };
}
