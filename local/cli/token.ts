// `splitloop token --user ID [--groups g1,g2] [--email E] [--expires SECONDS]`: prints a Cognito-style
// ID token signed by the local user pool key (the one the local API verifies with), on one line.
import { parseFlags, UsageError } from './flags.ts';
import { authSettingsFromEnv } from '../appsync/auth/config.ts';
import { signToken } from '../appsync/auth/jwt.ts';

export const TOKEN_USAGE = `usage: splitloop token --user ID [--groups g1,g2] [--email EMAIL] [--expires SECONDS]

Prints a Cognito-style ID token (RS256 JWT) that the local API accepts as "Authorization: <token>".
  --user ID           the user's name (cognito:username); sub is a UUID derived from it
  --groups g1,g2      comma-separated Cognito groups (cognito:groups)
  --email EMAIL       the email claim
  --expires SECONDS   lifetime in seconds (default 3600)
The signing key lives in $SPLITLOOP_DATA_DIR/jwt-key.pem (default .splitloop/jwt-key.pem).
`;

export interface TokenIo {
  env: Record<string, string | undefined>;
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const defaultIo = (): TokenIo => ({
  env: process.env,
  cwd: process.cwd(),
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
});

interface TokenArgs {
  user: string;
  groups: string[];
  email?: string;
  expires?: number;
}

function parseArgs(argv: string[]): TokenArgs | 'help' {
  const { flags: values, help } = parseFlags(argv, { values: ['user', 'groups', 'email', 'expires'] });
  if (help) return 'help';
  const user = values.get('user')?.trim();
  if (!user) throw new UsageError('--user is required');
  const groups = (values.get('groups') ?? '')
    .split(',')
    .map((g) => g.trim())
    .filter((g) => g.length > 0);
  const args: TokenArgs = { user, groups };
  const email = values.get('email');
  if (email !== undefined) {
    if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new UsageError(`--email "${email}" is not an email address`);
    args.email = email;
  }
  const expires = values.get('expires');
  if (expires !== undefined) {
    if (!/^\d+$/.test(expires) || Number(expires) <= 0) throw new UsageError(`--expires must be a positive whole number of seconds, got "${expires}"`);
    args.expires = Number(expires);
  }
  return args;
}

export async function tokenCommand(argv: string[], io: TokenIo = defaultIo()): Promise<number> {
  let args: TokenArgs | 'help';
  try {
    args = parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`splitloop token: ${error.message}\n\n${TOKEN_USAGE}`);
      return 2;
    }
    throw error;
  }
  if (args === 'help') {
    io.stdout(TOKEN_USAGE);
    return 0;
  }
  let settings;
  try {
    settings = authSettingsFromEnv(io.env, { cwd: io.cwd });
  } catch (error) {
    io.stderr(`splitloop token: ${(error as Error).message}\n`);
    return 2;
  }
  const token = signToken(
    {
      user: args.user,
      groups: args.groups,
      ...(args.email !== undefined ? { email: args.email } : {}),
      ...(args.expires !== undefined ? { expiresInSeconds: args.expires } : {}),
    },
    settings,
  );
  io.stdout(`${token}\n`);
  return 0;
}
