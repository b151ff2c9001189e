// `npm start`: DynamoDB Local (data under .splitloop/), the local API, the aggregator and the
// dashboard, seeded with a demo experiment on first start. Ctrl-C stops everything, Java included.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildDashboard } from '../dashboard/build.ts';
import { localDashboardRoutes } from '../dashboard/local.ts';
import { authSettingsFromEnv } from '../local/appsync/auth/index.ts';
import { manifest } from '../resolvers/manifest.ts';
import { dataDirFromEnv, startApp } from './app.ts';
import { seedDemo } from './seed.ts';

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
  const app = await startApp({ dataDir, port, auth, staticDir: dashboard, routes: localDashboardRoutes(auth) });
  // Listen for Ctrl-C from here on, so that an interrupt during seeding still stops Java.
  const stopped = new Promise<void>((done) => {
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
  });
  let experimentId: string;
  try {
    experimentId = await seedDemo(dataDir, app.api.graphqlUrl, app.auth);
  } catch (error) {
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
      `  Token for the API:  npx splitloop token --user you --groups experimenters`,
      '',
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  await stopped;
  process.stdout.write('\nsplitloop: stopping...\n');
  await app.stop();
  process.stdout.write('splitloop: stopped.\n');
  return 0;
}
