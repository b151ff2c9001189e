// splitloop's own wiring of the generic local runtime: the manifest, the stream aggregator and
// the dashboard. Tests, `npm start` and the benchmarks all start the app through here.
import { join, resolve } from 'node:path';
import type { AuthSettings } from '../local/appsync/auth/index.ts';
import type { Route } from '../local/appsync/http.ts';
import { lambdaHandlerOf, type LambdaModule } from '../local/appsync/host.ts';
import { startLocalStack, type LocalStack } from '../local/stack.ts';
import { parseRate, startScheduler, type ScheduledHandler, type Scheduler } from '../local/schedules/scheduler.ts';
import { startStreamPoller, type StreamPoller } from '../local/streams/poller.ts';
import { manifest } from '../resolvers/manifest.ts';

export const ROOT = resolve(import.meta.dirname, '..');

/** Where `npm start` keeps its data (tables, JWT key, demo marker): SPLITLOOP_DATA_DIR or .splitloop/. */
export function dataDirFromEnv(env: Record<string, string | undefined> = process.env): string {
  return resolve(env.SPLITLOOP_DATA_DIR || join(ROOT, '.splitloop'));
}

export interface AppOptions {
  dataDir?: string;
  port?: number;
  auth?: AuthSettings;
  /** Run the stream aggregator (default true). */
  streams?: boolean;
  /** Run the manifest's schedules on timers (default true). */
  schedules?: boolean;
  /** Every schedule's rate, e.g. `2s` (default: SPLITLOOP_SCHEDULE_RATE, else the manifest's rate). */
  scheduleRate?: string;
  staticDir?: string;
  routes?: Record<string, Route>;
  /** DynamoDB Local died for good (see LocalStackOptions.onDynamoDbFatal). */
  onDynamoDbFatal?(message: string): void;
  /** See LocalStackOptions.dynamoDbGateway (a metering proxy in benches and tests). */
  dynamoDbGateway?(endpoint: string): string;
  /** Overrides of the stream source's settings and poller hooks (tests: small batches, a crash before a checkpoint). */
  streamOverrides?: { batchSize?: number; beforeCheckpoint?: (shardId: string, lastSequence: string) => void };
}

export interface App extends LocalStack {
  poller?: StreamPoller;
  scheduler?: Scheduler;
}

export async function startApp(options: AppOptions = {}): Promise<App> {
  const stack = await startLocalStack({
    root: ROOT,
    manifest,
    dataDir: options.dataDir,
    port: options.port,
    auth: options.auth,
    staticDir: options.staticDir,
    routes: options.routes,
    onDynamoDbFatal: options.onDynamoDbFatal,
    dynamoDbGateway: options.dynamoDbGateway,
  });
  let poller: StreamPoller | undefined;
  let scheduler: Scheduler | undefined;
  try {
    const streamed = manifest.lambdas.filter((l) => l.streamSource);
    if (streamed.length > 1) throw new Error('the local app runs one stream-triggered Lambda; the manifest has more');
    for (const def of options.streams === false ? [] : streamed) {
      // The Lambda's own environment, passed in (the host writes nothing into process.env).
      const handler = lambdaHandlerOf((await import(join(ROOT, def.entry))) as LambdaModule, def.entry, stack.api.lambdaEnvironment(def.id));
      poller = startStreamPoller({
        ...def.streamSource!,
        ...options.streamOverrides,
        endpoint: stack.dynamodb.endpoint,
        streamArn: stack.streamArns[def.streamSource!.table]!,
        handler,
        checkpointFile: options.dataDir ? join(options.dataDir, `stream-${def.id}.json`) : undefined,
      });
    }
    if (options.schedules !== false && manifest.schedules?.length) {
      scheduler = startScheduler({
        schedules: manifest.schedules,
        rateMs: parseRate(options.scheduleRate ?? process.env.SPLITLOOP_SCHEDULE_RATE),
        load: async (lambdaId) => {
          const def = manifest.lambdas.find((l) => l.id === lambdaId)!;
          return lambdaHandlerOf((await import(join(ROOT, def.entry))) as LambdaModule, def.entry, stack.api.lambdaEnvironment(def.id)) as ScheduledHandler;
        },
      });
    }
  } catch (error) {
    await poller?.stop();
    await stack.stop();
    throw error;
  }
  const stopStack = stack.stop;
  return {
    ...stack,
    poller,
    scheduler,
    async stop() {
      await scheduler?.stop();
      await poller?.stop();
      await stopStack();
    },
  };
}
