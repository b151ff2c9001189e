// Import boundaries, as lint rules (a test in test/unit/lint feeds each one a violation):
// - local/ is a generic AppSync host: it gets the app as a manifest (and the manifest's *shape* from
//   resolvers/manifest-types.ts) and must not import the app's model, Lambdas or resolvers;
// - lambdas/domain is pure: no AWS SDK, no Node built-ins, no stores (data access is the handlers' job);
// - model/ is bundled into APPSYNC_JS resolvers: it may import only model/ and @aws-appsync/utils.
const NODE_BUILTINS = ['node:*', 'fs', 'fs/*', 'path', 'crypto', 'os', 'http', 'https', 'net', 'child_process', 'url', 'util', 'stream'];

export const boundaries = [
  {
    files: ['local/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/model/**', '**/lambdas/**', '**/resolvers/**', '!**/resolvers/manifest-types.ts'],
              message: 'local/ hosts any app: it reads the app through the manifest it is given, never by importing it.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['lambdas/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@aws-sdk/*', '@aws-lambda-powertools/*'], message: 'lambdas/domain is pure: data access and AWS calls belong to handlers and lambdas/store.' },
            { group: NODE_BUILTINS, message: 'lambdas/domain is pure: no Node built-ins (time, randomness and I/O are passed in).' },
            { group: ['**/store/**', '**/shared/**'], message: 'lambdas/domain is pure: handlers pass it data, it does not reach for stores.' },
          ],
        },
      ],
    },
  },
  {
    files: ['model/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\./[^/]+$|@aws-appsync/utils$)',
              message: 'model/ is bundled into APPSYNC_JS resolvers: it imports only model/ (./x.ts) and @aws-appsync/utils.',
            },
          ],
        },
      ],
    },
  },
];
