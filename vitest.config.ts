import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration suites each start their own DynamoDB Local (a JVM); two cores cannot run many at once.
    maxWorkers: 2,
  },
});
