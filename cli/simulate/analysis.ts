// What the scheduled analysis made of a simulation (the time-compressed mode's report): its
// snapshots of the current phase and the experiment's alerts, read through the API.
import { formatClock, formatP, formatSignedPercent } from '../../dashboard/src/format.ts';
import { GetAlertsDocument, GetResultsHistoryDocument, type GetAlertsQuery, type GetResultsHistoryQuery } from '../../generated/graphql.ts';
import type { GraphqlClient } from './client.ts';

export interface AnalysisSummary {
  snapshots: GetResultsHistoryQuery['resultsHistory']['items'];
  alerts: GetAlertsQuery['alerts']['items'];
}

export async function readAnalysis(client: GraphqlClient, experimentId: string, token: () => string): Promise<AnalysisSummary> {
  const history = await client.request(GetResultsHistoryDocument, { experimentId, limit: 500 }, { token });
  const alerts = await client.request(GetAlertsDocument, { experimentId, limit: 50 }, { token });
  return { snapshots: history.resultsHistory.items, alerts: alerts.alerts.items };
}

export function formatAnalysis(summary: AnalysisSummary, control: string, dashboardUrl: string): string {
  const out: string[] = [''];
  const { snapshots, alerts } = summary;
  if (snapshots.length === 0) {
    out.push(
      'Scheduled analysis: no snapshots yet. It runs on the server\'s schedule: npm start runs it every 10 s',
      '(SPLITLOOP_SCHEDULE_RATE=2s npm start for faster ones); the AWS schedule is every 15 minutes.',
    );
  } else {
    const first = snapshots[0]!;
    const last = snapshots[snapshots.length - 1]!;
    out.push(`Scheduled analysis: ${snapshots.length} snapshots of phase ${last.phase}, ${formatClock(first.computedAt)} to ${formatClock(last.computedAt)}`);
    for (const v of last.variants) {
      if (v.key === control) continue;
      const lifts = snapshots.map((s) => s.variants.find((x) => x.key === v.key)?.relativeLift ?? null).filter((x): x is number => x !== null);
      const path = lifts.length ? `${formatSignedPercent(lifts[0]!, 1)} -> ${formatSignedPercent(lifts[lifts.length - 1]!, 1)}` : 'n/a';
      out.push(`  ${v.key}: relative lift over time ${path}; always-valid p (running minimum) ${formatP(v.sequentialPValue)}; decision ${v.decision ?? 'n/a'}`);
    }
  }
  out.push(alerts.length ? 'Alerts:' : 'Alerts: none yet.');
  for (const a of alerts) out.push(`  ${a.kind} (phase ${a.phase}, ${formatClock(a.createdAt)}): ${a.message}`);
  out.push(`The chart and the alert feed: ${dashboardUrl}`);
  return `${out.join('\n')}\n`;
}
