// The one command-line flag parser of the `splitloop` commands: `--name value`, `--name=value`,
// boolean flags without a value, `-h`/`--help`. Messages say what to fix.
export class UsageError extends Error {}

export interface FlagSpec {
  /** Flags that take a value. */
  values: readonly string[];
  /** Flags that take none. */
  booleans?: readonly string[];
  /** Short or alternative spellings, e.g. `{ '-i': 'input' }`. */
  aliases?: Readonly<Record<string, string>>;
}

export interface ParsedFlags {
  flags: Map<string, string>;
  help: boolean;
}

export function parseFlags(argv: readonly string[], spec: FlagSpec): ParsedFlags {
  const values = new Set(spec.values);
  const booleans = new Set(spec.booleans ?? []);
  const flags = new Map<string, string>();
  let help = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    const alias = spec.aliases?.[arg];
    if (!alias && !arg.startsWith('--')) throw new UsageError(`unexpected argument "${arg}" (flags start with --)`);
    const eq = alias ? -1 : arg.indexOf('=');
    const name = alias ?? arg.slice(2, eq < 0 ? undefined : eq);
    if (!values.has(name) && !booleans.has(name)) throw new UsageError(`unknown option "--${name}"`);
    if (flags.has(name)) throw new UsageError(`--${name} is given twice`);
    if (booleans.has(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      flags.set(name, 'true');
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[i + 1];
    if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
    if (eq < 0) i += 1;
    flags.set(name, value);
  }
  return { flags, help };
}
