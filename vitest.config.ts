import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two files at a time on two cores; the integration files of a worker share one DynamoDB Local JVM.
    maxWorkers: 2,
    globalSetup: ['test/support/dynamodb-broker.ts'],
    // The SDK warns once per process that releases after January 2027 need Node 22; tests run on 20.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
