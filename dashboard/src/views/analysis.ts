// The scheduled analysis on the experiment page: the relative lift over time (from the stored
// snapshots, `resultsHistory`, so it survives a reload) and the experiment's alerts, which arrive
// live through `onExperimentAlert` (polled with `alerts` only when the realtime connection fails).
import { GetAlertsDocument, GetResultsHistoryDocument, OnExperimentAlertDocument, type AlertFieldsFragment, type GetResultsHistoryQuery } from '../../../generated/graphql.ts';
import { errorMessage, type ViewContext } from '../context.ts';
import { h, replaceChildren } from '../dom.ts';
import { formatClock, formatDateTime, formatP, formatSignedPercent, MISSING } from '../format.ts';
import { LiftOverTimeChart, type LiftPoint } from '../lift-chart.ts';

type Snapshot = GetResultsHistoryQuery['resultsHistory']['items'][number];
export type Alert = AlertFieldsFragment;

export const ALERT_LABEL: Record<Alert['kind'], string> = {
  SRM: 'Sample ratio mismatch',
  DECISION_REACHED: 'Decision reached',
  GUARDRAIL: 'Guardrail',
  SAMPLE_SIZE_REACHED: 'Sample size reached',
  END_DATE: 'End date passed',
  AUTO_STOPPED: 'Stopped automatically',
};

interface ExperimentLike {
  id: string;
  control: string;
  variants: readonly { key: string }[];
}

const HISTORY_PAGE = 500;

/** Both sections; they stop their timers and subscription when the view is left. */
export function analysisSections(ctx: ViewContext, experiment: ExperimentLike, onAlert?: (alert: Alert) => void): HTMLElement[] {
  const keys = experiment.variants.map((v) => v.key);
  const canvas = h('canvas', { role: 'img', 'aria-label': 'Relative lift of each treatment over time with its 95% interval; the numbers are in the table below the chart' });
  const figure = h('figure', { class: 'lift-over-time', 'data-snapshots': '0' }, h('div', { class: 'chart-box' }, canvas), h('figcaption', {}, 'Relative lift over time, from the scheduled analysis (dashed: 95% interval)'));
  const historyNote = h('p', { class: 'muted history-note' }, 'Loading the snapshots…');
  const historyTable = h('div', {});
  const chart = new LiftOverTimeChart(canvas);

  const feedStatus = h('p', { class: 'muted alert-status', role: 'status' }, 'Connecting to alerts…');
  const feed = h('ul', { class: 'alert-feed plain', 'aria-live': 'polite' });
  const seen = new Map<string, Alert>();

  function renderAlerts(): void {
    const alerts = [...seen.values()].sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
    if (alerts.length === 0) {
      replaceChildren(feed, h('li', { class: 'muted' }, 'No alerts.'));
      return;
    }
    replaceChildren(
      feed,
      alerts.map((a) =>
        h(
          'li',
          { class: 'alert-item', 'data-kind': a.kind, 'data-alert-id': a.id },
          h('strong', {}, ALERT_LABEL[a.kind] ?? a.kind),
          ` (phase ${a.phase}, ${formatDateTime(a.createdAt)}): `,
          a.message,
        ),
      ),
    );
  }

  function addAlerts(alerts: readonly Alert[], live: boolean): void {
    let added = false;
    for (const a of alerts) {
      if (seen.has(a.id)) continue;
      seen.set(a.id, a);
      added = true;
      if (live) onAlert?.(a);
    }
    if (added) renderAlerts();
  }

  async function loadAlerts(): Promise<void> {
    try {
      const { alerts } = await ctx.api.request(GetAlertsDocument, { experimentId: experiment.id, limit: 50 });
      if (!ctx.signal.aborted) addAlerts(alerts.items, false);
      if (seen.size === 0) renderAlerts();
    } catch (error) {
      if (!ctx.signal.aborted) feedStatus.textContent = `Could not load the alerts: ${errorMessage(error)}`;
    }
  }

  function showHistory(items: readonly Snapshot[]): void {
    figure.dataset.snapshots = String(items.length);
    if (items.length === 0) {
      historyNote.textContent = 'No snapshots yet: the scheduled analysis stores one per run while the experiment is running.';
      replaceChildren(historyTable);
      chart.update(new Map(), () => 0);
      return;
    }
    historyNote.textContent = `${items.length} snapshot${items.length === 1 ? '' : 's'} of phase ${items[0]!.phase}, the latest at ${formatClock(items[items.length - 1]!.computedAt)}.`;
    const series = new Map<string, LiftPoint[]>();
    for (const key of keys) if (key !== experiment.control) series.set(key, []);
    for (const s of items) {
      const at = Date.parse(s.computedAt);
      for (const v of s.variants) {
        const points = series.get(v.key);
        if (!points) continue;
        points.push({ at, lift: v.relativeLift ?? null, low: v.relativeLiftCi?.[0] ?? null, high: v.relativeLiftCi?.[1] ?? null });
      }
    }
    chart.update(series, (key) => Math.max(0, keys.indexOf(key)));
    const latest = items[items.length - 1]!;
    replaceChildren(
      historyTable,
      h(
        'table',
        { class: 'data compact history', 'data-testid': 'history-latest' },
        h('caption', {}, 'Latest snapshot (the always-valid p-value is the running minimum over every snapshot)'),
        h('thead', {}, h('tr', {}, ['Variant', 'Users', 'Relative lift', 'Always-valid p', 'Decision'].map((c) => h('th', { scope: 'col' }, c)))),
        h(
          'tbody',
          {},
          latest.variants.map((v) =>
            h(
              'tr',
              { 'data-variant': v.key },
              h('th', { scope: 'row' }, v.key),
              h('td', { class: 'num' }, String(v.users)),
              h('td', { class: 'num' }, v.relativeLift === null || v.relativeLift === undefined ? MISSING : formatSignedPercent(v.relativeLift, 1)),
              h('td', { class: 'num' }, formatP(v.sequentialPValue)),
              h('td', {}, v.decision ?? MISSING),
            ),
          ),
        ),
      ),
    );
  }

  let historyLoading = false;
  async function loadHistory(): Promise<void> {
    if (historyLoading) return;
    historyLoading = true;
    try {
      const { resultsHistory } = await ctx.api.request(GetResultsHistoryDocument, { experimentId: experiment.id, limit: HISTORY_PAGE });
      if (!ctx.signal.aborted) showHistory(resultsHistory.items);
    } catch (error) {
      if (!ctx.signal.aborted) historyNote.textContent = `Could not load the snapshots: ${errorMessage(error)}`;
    } finally {
      historyLoading = false;
    }
  }

  // Snapshots are written on the schedule; re-reading them every few poll intervals keeps the chart current.
  const historyTimer = setInterval(() => void loadHistory(), Math.max(5_000, ctx.config.pollIntervalMs * 5));
  let alertPoll: ReturnType<typeof setInterval> | undefined;
  const pollAlerts = (reason: string) => {
    feedStatus.textContent = `Live alerts unavailable (${reason}); checking every ${Math.round(Math.max(5_000, ctx.config.pollIntervalMs * 5) / 1000)} s.`;
    alertPoll ??= setInterval(() => void loadAlerts(), Math.max(5_000, ctx.config.pollIntervalMs * 5));
  };
  let unsubscribe: (() => void) | undefined;
  if (ctx.realtime) {
    unsubscribe = ctx.realtime.subscribe(
      OnExperimentAlertDocument,
      { experimentId: experiment.id },
      {
        started() {
          feedStatus.textContent = 'Live: new alerts are pushed by the onExperimentAlert subscription.';
          void loadAlerts();
        },
        next(data) {
          if (ctx.signal.aborted || !data.onExperimentAlert) return;
          addAlerts([data.onExperimentAlert], true);
          void loadHistory();
        },
        error(error) {
          pollAlerts(`${error.errorType}: ${error.message}`);
        },
      },
    );
  } else pollAlerts('no realtime endpoint is configured');
  ctx.onDispose(() => {
    clearInterval(historyTimer);
    clearInterval(alertPoll);
    unsubscribe?.();
    chart.destroy();
  });
  void loadHistory();
  void loadAlerts();

  const section = (id: string, title: string, ...children: (Node | null)[]) =>
    h('section', { 'aria-labelledby': `${id}-heading`, class: 'panel', id }, h('h2', { id: `${id}-heading` }, title), ...children);
  return [
    section('alerts', 'Alerts', feedStatus, feed),
    section('over-time', 'Results over time', historyNote, figure, historyTable),
  ];
}
