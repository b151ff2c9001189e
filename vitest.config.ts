import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration suites each start their own DynamoDB Local (a JVM); two cores cannot run many at once.
    maxWorkers: 2,
    // The SDK warns once per process that releases after January 2027 need Node 22; tests run on 20.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
