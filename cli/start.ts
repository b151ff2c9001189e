// `npm start`: DynamoDB Local (data under .splitloop/), the local API, the aggregator and the
// dashboard, seeded with a demo experiment on first start. Ctrl-C stops everything, Java included.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildDashboard } from '../dashboard/build.ts';
import { localDashboardRoutes } from '../dashboard/local.ts';
import { authSettingsFromEnv } from '../local/appsync/auth/index.ts';
import { manifest } from '../resolvers/manifest.ts';
import { dataDirFromEnv, startApp, type App } from './app.ts';
import { insightsRoute } from './insights/route.ts';
import { writeStackInfo } from './insights/stack.ts';
import { defaultLakeDir } from './lake.ts';
import { seedDemo } from './seed.ts';

/** How often `npm start` runs the scheduled analysis when SPLITLOOP_SCHEDULE_RATE is not set. */
export const LOCAL_SCHEDULE_RATE = '10s';

export async function startCommand(argv: string[]): Promise<number> {
  if (argv.includes('--help')) {
    process.stdout.write('usage: splitloop start   (PORT changes the port, default 4000)\n');
    return 0;
  }
  const port = Number(process.env.PORT ?? 4000);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    process.stderr.write(`PORT must be a port number, got "${process.env.PORT}"\n`);
    return 2;
  }
  const dataDir = dataDirFromEnv();
  mkdirSync(dataDir, { recursive: true });
  process.stdout.write('splitloop: building the dashboard...\n');
  const dashboard = await buildDashboard();
  // The same settings startLocalStack would read; made here so that /config.json can sign tokens.
  const auth = authSettingsFromEnv(process.env, { dataDir, appModes: manifest.auth });
  process.stdout.write('splitloop: starting DynamoDB Local and the local AppSync API...\n');
  // Locally the scheduled analysis runs every 10 s unless SPLITLOOP_SCHEDULE_RATE says otherwise,
  // so that snapshots, the results-over-time chart and alerts show up while you try things.
  const scheduleRate = process.env.SPLITLOOP_SCHEDULE_RATE || LOCAL_SCHEDULE_RATE;
  let exitCode = 0;
  let fail: () => void = () => {};
  // The Insights route needs the table, which exists once the app has started.
  const ready: { table?: { client: App['client']; tableName: string } } = {};
  const routes = { ...localDashboardRoutes(auth, { insightsUrl: '/insights.json' }), ...insightsRoute({ table: () => ready.table, lakeDir: defaultLakeDir(process.env) }) };
  const app = await startApp({
    dataDir,
    port,
    auth,
    staticDir: dashboard,
    routes,
    scheduleRate,
    onDynamoDbFatal(message) {
      process.stderr.write(`${message}\nsplitloop: stopping, since the API cannot work without DynamoDB.\n`);
      exitCode = 1;
      fail();
    },
  });
  const table = (ready.table = { client: app.client, tableName: app.tableNames.main! });
  // `splitloop export` finds this stack's table through this file while it runs.
  const forgetStack = writeStackInfo(dataDir, { pid: process.pid, port, dynamodbEndpoint: app.dynamodb.endpoint, tableName: table.tableName });
  // Listen for Ctrl-C from here on, so that an interrupt during seeding still stops Java.
  const stopped = new Promise<void>((done) => {
    fail = done;
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
  });
  if (!app.dynamodb.loopbackOnly) {
    process.stdout.write(`splitloop: WARNING: DynamoDB Local listens on every network interface (${app.dynamodb.exposure}); see README "Network exposure".\n`);
  }
  let experimentId: string;
  try {
    experimentId = await seedDemo(dataDir, app.api.graphqlUrl, app.auth);
  } catch (error) {
    forgetStack();
    await app.stop();
    throw error;
  }
  const url = `http://localhost:${port}`;
  const portEnv = port === 4000 ? '' : `PORT=${port} `;
  process.stdout.write(
    [
      '',
      `  GraphQL   ${url}/graphql`,
      `  Realtime  ws://localhost:${port}/graphql/realtime`,
      `  Dashboard ${url}/   (signed in as an experimenter: /config.json hands the page a local token)`,
      `  API key   ${app.auth.apiKeys[0]}`,
      `  IAM       ${app.auth.iam.accessKeyId} / ${app.auth.iam.secretAccessKey} (${app.auth.iam.region})`,
      `  DynamoDB  ${app.dynamodb.endpoint} (data in ${join(dataDir, 'dynamodb')})`,
      '',
      `  Demo experiment: ${experimentId}`,
      `    open    ${url}/#/experiments/${experimentId}`,
      `    drive   ${portEnv}npx splitloop simulate --experiment ${experimentId} --users 2000 --lift 0.2 --duration 60`,
      `    fast    ${portEnv}npx splitloop simulate --experiment ${experimentId} --users 3000 --lift 1 --days 7 --day-seconds 6`,
      `  Scheduled analysis: every ${scheduleRate} (SPLITLOOP_SCHEDULE_RATE; every 15 minutes on AWS)`,
      `  Token for the API:  npx splitloop token --user you --groups experimenters`,
      `  Event lake:  ${portEnv}npx splitloop export   then   npx splitloop insights cohort_curves`,
      '',
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  await stopped;
  process.stdout.write('\nsplitloop: stopping...\n');
  forgetStack();
  await app.stop();
  process.stdout.write('splitloop: stopped.\n');
  return exitCode;
}
