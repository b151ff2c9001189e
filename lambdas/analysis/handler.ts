// The scheduled analysis Lambda (EventBridge Scheduler on AWS, a timer locally). Its work per run
// is bounded by the time the invocation has left, minus a margin for the last experiments.
import { getConfig, type LambdaEnv } from '../shared/config.ts';
import { log, metric, observe, type LambdaContext } from '../shared/observability.ts';
import { runAnalysis, type RunReport } from './run.ts';

const MARGIN_MS = 15_000;
const MAX_BUDGET_MS = 90_000;

async function run(env: LambdaEnv, context?: LambdaContext): Promise<RunReport> {
  const remainingOf = context?.getRemainingTimeInMillis as (() => number) | undefined;
  const remaining = remainingOf?.() ?? MAX_BUDGET_MS + MARGIN_MS;
  const report = await runAnalysis({ config: getConfig(env), budgetMs: Math.max(1_000, Math.min(MAX_BUDGET_MS, remaining - MARGIN_MS)) });
  metric('AnalysisSnapshots', report.snapshots);
  metric('AnalysisAlerts', report.alerts);
  if (!report.complete) metric('AnalysisRunsCutShort', 1);
  log().info('analysis run', { ...report });
  return report;
}

/** The handler on a given environment (the local host passes the Lambda's own). */
export const handlerFor = (env: LambdaEnv) =>
  observe('analysis', (_event: unknown, context?: LambdaContext) => run(env, context), { durationMetric: 'AnalysisRunDuration' });

/** The Lambda's entry point: the only reader of the real environment. */
export const handler = handlerFor(process.env);
