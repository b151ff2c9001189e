// The scheduled analysis Lambda (EventBridge Scheduler on AWS, a timer locally). Its work per run
// is bounded by the time the invocation has left, minus a margin for the last experiments.
import { runAnalysis, type RunReport } from './run.ts';

const MARGIN_MS = 15_000;
const MAX_BUDGET_MS = 90_000;

export async function handler(_event: unknown, context?: { getRemainingTimeInMillis?: () => number }): Promise<RunReport> {
  const remaining = context?.getRemainingTimeInMillis?.() ?? MAX_BUDGET_MS + MARGIN_MS;
  const report = await runAnalysis({ budgetMs: Math.max(1_000, Math.min(MAX_BUDGET_MS, remaining - MARGIN_MS)) });
  // Quiet when nothing happened: locally the schedule may tick every second.
  if (report.alerts > 0 || report.stopped > 0 || !report.complete) console.log(JSON.stringify({ message: 'analysis run', ...report }));
  return report;
}
