// Deploy-time switches, read once from CDK context (`cdk deploy -c name=value` or cdk.json). Every
// switch is optional; the defaults are a safe, pay-per-request production setup. README "Deploying
// to AWS" and docs/operations.md list them.
import type { Construct } from 'constructs';

export type CapacityMode = 'on-demand' | 'provisioned';
export type FieldLogLevel = 'NONE' | 'ERROR' | 'INFO' | 'DEBUG' | 'ALL';

export interface AutoscaledCapacity {
  min: number;
  max: number;
}

export interface OpsSettings {
  /** E-mail address subscribed to the alarm topic (confirmation mail on first deploy). */
  alarmEmail?: string;
  capacity: CapacityMode;
  /** Provisioned mode only: read/write capacity bounds and the target utilisation (percent). */
  readCapacity: AutoscaledCapacity;
  writeCapacity: AutoscaledCapacity;
  targetUtilization: number;
  /** GraphQL introspection; off unless allowed. */
  introspection: boolean;
  fieldLogLevel: FieldLogLevel;
  /** Lambda application log level (Powertools and Lambda's advanced logging controls). */
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** Requests per IP per 5 minutes before WAF blocks that IP (on the API and on CloudFront). */
  wafRateLimit: number;
  /** A CLOUDFRONT-scope web ACL made elsewhere (e.g. the SplitloopEdge stack in us-east-1). */
  cloudFrontWebAclArn?: string;
  /** Reserved concurrency from the manifest; off for accounts whose concurrency quota is too small. */
  reservedConcurrency: boolean;
  /** AppSync per-resolver metrics (billed as custom metrics) for the dashboard's per-field graphs. */
  enhancedMetrics: boolean;
  /** A custom domain for the dashboard with its ACM certificate (us-east-1): makes TLSv1.2_2021 effective. */
  dashboardDomain?: string;
  dashboardCertificateArn?: string;
}

const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
const FIELD_LOG_LEVELS = ['NONE', 'ERROR', 'INFO', 'DEBUG', 'ALL'] as const;

export class SettingError extends Error {
  constructor(name: string, value: unknown, expected: string) {
    super(`context value ${name}=${JSON.stringify(value)} is invalid: expected ${expected} (set it with cdk -c ${name}=...)`);
    this.name = 'SettingError';
  }
}

export function readSettings(scope: Construct): OpsSettings {
  const raw = (name: string): unknown => scope.node.tryGetContext(name);
  const text = (name: string): string | undefined => {
    const v = raw(name);
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string') throw new SettingError(name, v, 'a string');
    return v;
  };
  // Context from the command line is always a string; from cdk.json it may be typed.
  const bool = (name: string, fallback: boolean): boolean => {
    const v = raw(name);
    if (v === undefined || v === null || v === '') return fallback;
    if (v === true || v === 'true') return true;
    if (v === false || v === 'false') return false;
    throw new SettingError(name, v, 'true or false');
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const v = raw(name);
    if (v === undefined || v === null || v === '') return fallback;
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new SettingError(name, v, `an integer in ${min}..${max}`);
    return n;
  };
  const oneOf = <T extends string>(name: string, values: readonly T[], fallback: T): T => {
    const v = text(name);
    if (v === undefined) return fallback;
    const upper = values.find((x) => x.toUpperCase() === v.toUpperCase());
    if (!upper) throw new SettingError(name, v, values.join(' | '));
    return upper;
  };

  const alarmEmail = text('alarmEmail');
  if (alarmEmail && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alarmEmail)) throw new SettingError('alarmEmail', alarmEmail, 'an e-mail address');
  const readCapacity = { min: int('minReadCapacity', 5, 1, 40_000), max: int('maxReadCapacity', 100, 1, 40_000) };
  const writeCapacity = { min: int('minWriteCapacity', 5, 1, 40_000), max: int('maxWriteCapacity', 100, 1, 40_000) };
  for (const [name, c] of [['ReadCapacity', readCapacity], ['WriteCapacity', writeCapacity]] as const) {
    if (c.min > c.max) throw new SettingError(`min${name}`, c.min, `at most max${name} (${c.max})`);
  }
  const dashboardDomain = text('dashboardDomain');
  const dashboardCertificateArn = text('dashboardCertificateArn');
  if (!!dashboardDomain !== !!dashboardCertificateArn) {
    throw new SettingError(dashboardDomain ? 'dashboardCertificateArn' : 'dashboardDomain', undefined, 'both dashboardDomain and dashboardCertificateArn, or neither');
  }
  return {
    alarmEmail,
    capacity: oneOf('capacity', ['on-demand', 'provisioned'] as const, 'on-demand'),
    readCapacity,
    writeCapacity,
    targetUtilization: int('targetUtilization', 70, 20, 90),
    introspection: bool('introspection', false),
    fieldLogLevel: oneOf('fieldLogLevel', FIELD_LOG_LEVELS, 'ERROR'),
    logLevel: oneOf('logLevel', LOG_LEVELS, 'INFO'),
    wafRateLimit: int('wafRateLimit', 2000, 10, 2_000_000_000),
    cloudFrontWebAclArn: text('cloudFrontWebAclArn'),
    reservedConcurrency: bool('reservedConcurrency', true),
    enhancedMetrics: bool('enhancedMetrics', true),
    dashboardDomain,
    dashboardCertificateArn,
  };
}
