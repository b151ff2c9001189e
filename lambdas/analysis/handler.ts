// The scheduled analysis Lambda (EventBridge Scheduler on AWS, a timer locally). Its work per run
// is bounded by the time the invocation has left, minus a margin for the last experiments.
import { log, metric, observe, type LambdaContext } from '../shared/observability.ts';
import { runAnalysis, type RunReport } from './run.ts';

const MARGIN_MS = 15_000;
const MAX_BUDGET_MS = 90_000;

async function run(_event: unknown, context?: LambdaContext): Promise<RunReport> {
  const remainingOf = context?.getRemainingTimeInMillis as (() => number) | undefined;
  const remaining = remainingOf?.() ?? MAX_BUDGET_MS + MARGIN_MS;
  const report = await runAnalysis({ budgetMs: Math.max(1_000, Math.min(MAX_BUDGET_MS, remaining - MARGIN_MS)) });
  metric('AnalysisSnapshots', report.snapshots);
  metric('AnalysisAlerts', report.alerts);
  if (!report.complete) metric('AnalysisRunsCutShort', 1);
  log().info('analysis run', { ...report });
  return report;
}

export const handler = observe('analysis', run, { durationMetric: 'AnalysisRunDuration' });
