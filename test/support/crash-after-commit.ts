// Child process for test/integration/aggregate.test.ts: starts the app on an existing data folder
// with small stream batches and exits (like a kill: no checkpoint written, DynamoDB Local stopped by
// the exit hook) right after the aggregator committed its third batch, before that batch's checkpoint.
// Usage: tsx test/support/crash-after-commit.ts <dataDir> <port> <authDir>
import { startApp } from '../../cli/app.ts';
import { authSettingsFromEnv } from '../../local/appsync/auth/index.ts';

const [dataDir, port, authDir] = process.argv.slice(2) as [string, string, string];
let checkpoints = 0;
await startApp({
  dataDir,
  port: Number(port),
  auth: authSettingsFromEnv({}, { dataDir: authDir }),
  streamOverrides: {
    batchSize: 7,
    beforeCheckpoint: () => {
      checkpoints += 1;
      if (checkpoints === 3) process.exit(86);
    },
  },
});
setTimeout(() => process.exit(1), 60_000); // never reached a third batch
