export class JavaMissingError extends Error {
  constructor(detail: string) {
    super(
      `DynamoDB Local needs a Java 17+ runtime, but \`java\` could not be run (${detail}). ` +
        'Install one, e.g. `apt-get install -y openjdk-17-jre-headless` on Debian/Ubuntu or `brew install openjdk@17` on macOS.',
    );
    this.name = 'JavaMissingError';
  }
}

export class DynamoDbLocalMissingError extends Error {
  constructor(dir: string) {
    super(
      `DynamoDB Local is not in ${dir}. Run \`npm ci\` (its postinstall step fetches it from the ` +
        'amplify-dynamodb-simulator package) or `node scripts/fetch-dynamodb-local.mjs`.',
    );
    this.name = 'DynamoDbLocalMissingError';
  }
}

export class DynamoDbLocalStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DynamoDbLocalStartError';
  }
}
