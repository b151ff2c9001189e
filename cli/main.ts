// `splitloop <command>`: each command is a function of its arguments returning the exit code.
type Command = (argv: string[]) => Promise<number>;

const commands: Record<string, { describe: string; load: () => Promise<Command> }> = {
  start: { describe: 'start DynamoDB Local, the local AppSync API and the dashboard', load: async () => (await import('./start.ts')).startCommand },
  evaluate: {
    describe: 'run one handler of an APPSYNC_JS file offline, like AppSync EvaluateCode',
    load: async () => (await import('../local/cli/evaluate.ts')).evaluateCommand,
  },
  stats: {
    describe: 'print the statistics of the results engine for the given counts',
    load: async () => {
      const { statsCommand } = await import('./stats.ts');
      return (argv) => statsCommand(argv, process.stdin);
    },
  },
  token: { describe: 'print a Cognito-style JWT the local API accepts', load: async () => (await import('../local/cli/token.ts')).tokenCommand },
  simulate: { describe: 'drive the local API with referral traffic of a known true effect', load: async () => (await import('./simulate.ts')).simulateCommand },
  export: { describe: 'write the event lake (Parquet) from the local table, incrementally', load: async () => (await import('./lake.ts')).exportCommand },
  sql: { describe: 'run SQL over the event lake with DuckDB', load: async () => (await import('./lake.ts')).sqlCommand },
  insights: { describe: 'run a named query (insights/queries/*.sql) over the event lake', load: async () => (await import('./lake.ts')).insightsCommand },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.describe}`);
  return `usage: splitloop <command> [options]\n\ncommands:\n${lines.join('\n')}\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`splitloop: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    return await (await command.load())(rest);
  } catch (error) {
    // Expected failures (a port in use, Java missing, ...) carry a message written for a person.
    process.stderr.write(`splitloop ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    if (process.env.SPLITLOOP_DEBUG) console.error(error);
    return 1;
  }
}
