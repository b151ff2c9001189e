// One experiment: status and actions, the live funnel per variant (pushed by onCountsChanged,
// polled only when the realtime connection fails), progress toward the planned sample size, the
// results with their statistics, a sample-ratio-mismatch warning, and two charts.
import {
  GetExperimentDocument,
  GetResultsDocument,
  PauseExperimentDocument,
  StartExperimentDocument,
  StopExperimentDocument,
  type ExperimentFieldsFragment,
  type GetResultsQuery,
} from '../../../generated/graphql.ts';
import { CumulativeChart, RateChart } from '../charts.ts';
import { errorMessage, type ViewContext } from '../context.ts';
import { append, h, replaceChildren, setText } from '../dom.ts';
import {
  formatClock,
  formatDateTime,
  formatDecision,
  formatDecimal,
  formatInt,
  formatInterval,
  formatMoney,
  formatP,
  formatPEquals,
  formatPercent,
  formatSignedPercent,
  MISSING,
  resultCells,
  type ResultCells,
} from '../format.ts';
import { startLiveCounts, type LiveCounts, type LiveSource, type LiveStatus } from '../live.ts';
import { href, STATUS_LABEL } from '../router.ts';
import { analysisSections } from './analysis.ts';
// The same lifecycle rule the admin Lambda applies (a DRAFT may be stopped, i.e. discarded).
import { allowedActions, type ExperimentAction } from '../../../model/lifecycle.ts';

type Experiment = ExperimentFieldsFragment;
type Results = NonNullable<GetResultsQuery['results']>;

export const FUNNEL_STEPS = [
  { metric: 'exposures', label: 'Exposures' },
  { metric: 'invites', label: 'Invites' },
  { metric: 'clicks', label: 'Clicks' },
  { metric: 'signups', label: 'Signups' },
  { metric: 'conversions', label: 'Conversions' },
  { metric: 'revenue', label: 'Revenue' },
] as const;
type FunnelMetric = (typeof FUNNEL_STEPS)[number]['metric'];

/** Columns of the results table; an interval is shown under its estimate in the same cell. */
export const RESULT_COLUMNS: readonly { label: string; value: keyof ResultCells; interval?: keyof ResultCells }[] = [
  { label: 'Users', value: 'users' },
  { label: 'Conversions', value: 'conversions' },
  { label: 'Rate (95% CI)', value: 'rate', interval: 'rateCi' },
  { label: 'Absolute lift (95% CI)', value: 'absoluteLift', interval: 'absoluteLiftCi' },
  { label: 'Relative lift (95% CI)', value: 'relativeLift', interval: 'relativeLiftCi' },
  { label: 'Decision', value: 'decision' },
  { label: 'Always-valid p', value: 'sequentialPValue' },
  { label: 'Fixed-horizon p (valid only at planned sample size)', value: 'pValue' },
  { label: 'Fixed-horizon p, Holm (valid only at planned sample size)', value: 'pValueAdjusted' },
  { label: 'Chance to beat control', value: 'chanceToBeatControl' },
  { label: 'Significant', value: 'significant' },
];

type Action = ExperimentAction;

async function runAction(ctx: ViewContext, action: Action, id: string): Promise<Experiment> {
  if (action === 'start') return (await ctx.api.request(StartExperimentDocument, { id })).startExperiment;
  if (action === 'pause') return (await ctx.api.request(PauseExperimentDocument, { id })).pauseExperiment;
  return (await ctx.api.request(StopExperimentDocument, { id })).stopExperiment;
}

/** A horizontally scrollable wrapper that keyboard users can focus and scroll (axe: scrollable-region-focusable). */
const scrollBox = (label: string, table: HTMLElement) => h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': label }, table);

const section = (id: string, title: string, ...children: (Node | null)[]) =>
  h('section', { 'aria-labelledby': `${id}-heading`, class: 'panel', id }, h('h2', { id: `${id}-heading` }, title), ...children);

export function renderExperiment(ctx: ViewContext, root: HTMLElement, id: string): void {
  const heading = h('h1', { tabindex: '-1' }, 'Experiment');
  ctx.setTitle('Experiment', heading);
  replaceChildren(root, h('p', { class: 'breadcrumb' }, h('a', { href: href.list() }, '← Experiments')), heading, h('p', { class: 'muted' }, 'Loading…'));
  ctx.api
    .request(GetExperimentDocument, { id })
    .then(({ experiment }) => {
      if (ctx.signal.aborted) return;
      if (!experiment) {
        heading.textContent = 'Experiment not found';
        replaceChildren(root, heading, h('p', { class: 'error', role: 'alert' }, `There is no experiment ${id}. `, h('a', { href: href.list() }, 'Back to the experiments')));
        return;
      }
      build(experiment);
    })
    .catch((error: unknown) => {
      if (!ctx.signal.aborted) append(root, [h('p', { class: 'error', role: 'alert' }, `Could not load the experiment: ${errorMessage(error)}`)]);
    });

  function build(initial: Experiment): void {
    let experiment = initial;
    const money = (x: number | null | undefined) => formatMoney(x, experiment.currency);
    const keys = experiment.variants.map((v) => v.key);
    heading.textContent = experiment.name;
    ctx.setTitle(experiment.name, heading);

    // --- header: status and actions ----------------------------------------------------------
    const statusBadge = h('span', { class: 'status', 'data-status': experiment.status });
    const actions = h('div', { class: 'actions', role: 'group', 'aria-label': 'Experiment actions' });
    const actionMessage = h('p', { class: 'action-message', role: 'status' });
    function renderHeader(): void {
      statusBadge.dataset.status = experiment.status;
      statusBadge.textContent = STATUS_LABEL[experiment.status];
      const buttons = allowedActions(experiment.status).map((action) =>
        h('button', { type: 'button', class: action === 'stop' ? 'danger' : '', 'data-action': action, onclick: () => (action === 'stop' ? confirmStop() : void act(action)) }, actionLabel(action)),
      );
      const edit = experiment.status !== 'STOPPED' ? h('a', { class: 'button secondary', href: href.edit(experiment.id) }, 'Edit') : null;
      replaceChildren(actions, buttons, edit);
    }
    const actionLabel = (action: Action) => (action === 'start' ? (experiment.status === 'PAUSED' ? 'Resume' : 'Start') : action === 'pause' ? 'Pause' : 'Stop');
    function confirmStop(): void {
      replaceChildren(
        actions,
        h('span', { class: 'confirm-text' }, 'Stopping ends the experiment for good.'),
        h('button', { type: 'button', class: 'danger', 'data-action': 'confirm-stop', onclick: () => void act('stop') }, 'Stop the experiment'),
        h('button', { type: 'button', class: 'secondary', onclick: renderHeader }, 'Keep it'),
      );
      (actions.querySelector('[data-action="confirm-stop"]') as HTMLButtonElement).focus();
    }
    async function act(action: Action): Promise<void> {
      for (const b of Array.from(actions.querySelectorAll('button'))) b.disabled = true;
      actionMessage.textContent = '';
      try {
        const updated = await runAction(ctx, action, experiment.id);
        if (ctx.signal.aborted) return;
        experiment = updated;
        renderHeader();
        renderSetup();
        actionMessage.textContent = `Experiment ${STATUS_LABEL[experiment.status].toLowerCase()}.`;
        ctx.announce(`Experiment ${STATUS_LABEL[experiment.status].toLowerCase()}`);
      } catch (error) {
        if (ctx.signal.aborted) return;
        renderHeader();
        actionMessage.textContent = `Could not ${action} the experiment: ${errorMessage(error)}`;
      }
    }

    // --- sample ratio mismatch ----------------------------------------------------------------
    const srmSlot = h('div', { class: 'srm-slot' });

    // --- live funnel --------------------------------------------------------------------------
    const liveStatus = h('p', { class: 'live-status', role: 'status', 'data-mode': 'connecting' }, 'Connecting to live updates…');
    const liveCells = new Map<string, HTMLTableCellElement>();
    const cell = (variant: string, metric: FunnelMetric) => {
      const td = h('td', { class: 'num', 'data-variant': variant, 'data-metric': metric }, metric === 'revenue' ? money(0) : '0');
      liveCells.set(`${variant}|${metric}`, td);
      return td;
    };
    const liveTable = h(
      'table',
      { class: 'data funnel', 'data-last-source': 'none' },
      h('caption', {}, 'Counts per variant since the start, updated live'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Variant'), FUNNEL_STEPS.map((s) => h('th', { scope: 'col', class: 'num' }, s.label)))),
      h(
        'tbody',
        {},
        keys.map((key) =>
          h('tr', {}, h('th', { scope: 'row' }, key, key === experiment.control ? [' ', h('span', { class: 'role' }, '(control)')] : null), FUNNEL_STEPS.map((s) => cell(key, s.metric))),
        ),
      ),
      h('tfoot', {}, h('tr', {}, h('th', { scope: 'row' }, 'All variants'), FUNNEL_STEPS.map((s) => cell('all', s.metric)))),
    );
    const liveUpdated = h('p', { class: 'muted live-updated' }, 'Not updated yet');
    const liveSummary = h('p', { class: 'visually-hidden', 'aria-live': 'polite', 'aria-atomic': 'true' });
    let lastSummaryAt = 0;

    // --- sample size, results, charts -----------------------------------------------------------
    const progressBody = h('div', {}, h('p', { class: 'muted' }, 'Waiting for results…'));
    const resultsBody = h('div', { class: 'results-body' }, h('p', { class: 'muted' }, 'Loading results…'));
    const computedAt = h('span', { class: 'muted computed-at' });
    const refreshButton = h('button', { type: 'button', class: 'secondary', onclick: () => void loadResults() }, 'Refresh results');
    // Phases: a change of weights after start opens a new one; each phase is analysed on its own.
    // null = follow the current phase; a number = the phase the reader picked.
    let selectedPhase: number | null = null;
    let phaseCount = 0;
    const phaseSelect = h('select', {
      id: 'phase-select',
      onchange: () => {
        const value = Number(phaseSelect.value);
        selectedPhase = value === phaseCount ? null : value;
        void loadResults();
      },
    }) as HTMLSelectElement;
    const phasePicker = h('label', { class: 'phase-picker', for: 'phase-select' }, 'Phase ', phaseSelect);
    const resultsBanner = h('div', { class: 'results-banner', 'data-testid': 'results-banner' });
    const decisionsBody = h('div', { class: 'decisions', 'data-testid': 'decisions' });
    const rateCanvas = h('canvas', { role: 'img', 'aria-label': 'Conversion rate per variant with 95% intervals; the same numbers are in the results table' });
    const cumulativeCanvas = h('canvas', {
      role: 'img',
      'aria-label': 'Cumulative conversions per variant over time since this page was opened; the current totals are in the live funnel table',
    });
    const setupBody = h('div', {});

    replaceChildren(
      root,
      h('p', { class: 'breadcrumb' }, h('a', { href: href.list(experiment.status) }, '← Experiments'), ' · ', h('a', { href: href.insights(experiment.id) }, 'Insights (SQL over the event lake)')),
      h('div', { class: 'page-head' }, h('div', {}, heading, statusBadge), actions),
      experiment.description ? h('p', { class: 'description' }, experiment.description) : null,
      actionMessage,
      srmSlot,
      section('live', 'Live funnel', liveStatus, scrollBox('Live funnel table', liveTable), liveUpdated, liveSummary),
      section('progress', 'Progress toward the planned sample size', progressBody),
      section('results', 'Results', h('div', { class: 'toolbar' }, phasePicker, refreshButton, computedAt), resultsBanner, decisionsBody, resultsBody),
      analysisSections(ctx, experiment, (alert) => ctx.announce(`New alert: ${alert.kind}`)),
      section(
        'charts',
        'Charts',
        h(
          'div',
          { class: 'charts' },
          h('figure', {}, h('div', { class: 'chart-box' }, rateCanvas), h('figcaption', {}, 'Conversion rate per variant, with 95% intervals')),
          h('figure', {}, h('div', { class: 'chart-box' }, cumulativeCanvas), h('figcaption', {}, 'Cumulative conversions over time (from the live counts)')),
        ),
      ),
      section('setup', 'Setup', setupBody),
    );
    renderHeader();
    renderSetup();

    const rateChart = new RateChart(rateCanvas);
    const cumulativeChart = new CumulativeChart(cumulativeCanvas, keys);
    ctx.onDispose(() => {
      rateChart.destroy();
      cumulativeChart.destroy();
    });

    function renderSetup(): void {
      const row = (term: string, value: Node | string) => [h('dt', {}, term), h('dd', {}, value)];
      replaceChildren(
        setupBody,
        h(
          'dl',
          { class: 'setup' },
          row('Status', STATUS_LABEL[experiment.status]),
          row('Control', experiment.control),
          row(
            'Variants',
            h('ul', { class: 'plain' }, experiment.variants.map((v) => h('li', {}, `${v.key} — ${v.name}, weight ${formatPercent(v.weight, 1)}${v.config ? `, config ${v.config}` : ''}`))),
          ),
          row('Coverage', formatPercent(experiment.coverage, 1)),
          row('Attribution window', `${experiment.attributionWindowDays} days`),
          row('Currency', experiment.currency),
          row('Minimum detectable effect', experiment.minimumDetectableEffect === null ? 'not set' : formatSignedPercent(experiment.minimumDetectableEffect, 1)),
          row('Created', formatDateTime(experiment.createdAt)),
          row('Started', formatDateTime(experiment.startedAt)),
          row('Stopped', formatDateTime(experiment.stoppedAt)),
          row('End date', formatDateTime(experiment.endDate)),
          row(
            'Stop automatically',
            [experiment.autoStop?.onDecision ? 'on a decision' : null, experiment.autoStop?.onEndDate ? 'at the end date' : null].filter(Boolean).join(', ') || 'no',
          ),
          row('Id', h('code', {}, experiment.id)),
        ),
      );
    }

    // --- live counts ----------------------------------------------------------------------------
    function showCounts(counts: LiveCounts, source: LiveSource): void {
      const totals: Record<FunnelMetric, number> = { exposures: 0, invites: 0, clicks: 0, signups: 0, conversions: 0, revenue: 0 };
      let changed = false;
      for (const v of counts.variants) {
        for (const { metric } of FUNNEL_STEPS) {
          totals[metric] += v[metric];
          const td = liveCells.get(`${v.key}|${metric}`);
          if (!td) continue;
          const text = metric === 'revenue' ? money(v[metric]) : formatInt(v[metric]);
          if (td.textContent !== text) changed = true;
          setText(td, text, source !== 'initial');
        }
      }
      for (const { metric } of FUNNEL_STEPS) {
        const td = liveCells.get(`all|${metric}`)!;
        setText(td, metric === 'revenue' ? money(totals[metric]) : formatInt(totals[metric]), source !== 'initial');
      }
      liveTable.dataset.lastSource = source;
      liveUpdated.textContent = `Updated ${formatClock(counts.updatedAt)} (${source === 'subscription' ? 'pushed' : source === 'poll' ? 'polled' : 'loaded'})`;
      const at = Date.parse(counts.updatedAt);
      cumulativeChart.add(Number.isNaN(at) ? Date.now() : at, new Map(counts.variants.map((v) => [v.key, v.conversions])));
      if (changed && Date.now() - lastSummaryAt > 5000) {
        lastSummaryAt = Date.now();
        liveSummary.textContent =
          `Totals: ${formatInt(totals.exposures)} exposures, ${formatInt(totals.invites)} invites, ${formatInt(totals.clicks)} clicks, ` +
          `${formatInt(totals.signups)} signups, ${formatInt(totals.conversions)} conversions, ${money(totals.revenue)} revenue.`;
      }
      if (changed && source !== 'initial') scheduleResults();
    }

    function showStatus(status: LiveStatus): void {
      liveStatus.dataset.mode = status.mode;
      if (status.mode === 'connecting') liveStatus.textContent = 'Connecting to live updates…';
      else if (status.mode === 'subscription') liveStatus.textContent = 'Live: counts are pushed by the onCountsChanged subscription.';
      else {
        const retry = status.retryInMs > 0 ? ` Retrying the realtime connection in ${Math.round(status.retryInMs / 1000)} s.` : '';
        liveStatus.textContent =
          `Realtime updates unavailable (${status.reason}). Falling back to polling liveCounts every ${Math.round(ctx.config.pollIntervalMs / 100) / 10} s.${retry}`;
      }
    }

    const feed = startLiveCounts({
      experimentId: experiment.id,
      api: ctx.api,
      realtime: ctx.realtime,
      pollIntervalMs: ctx.config.pollIntervalMs,
      onCounts: showCounts,
      onStatus: showStatus,
      onError: (error) => (liveUpdated.textContent = `Could not read the live counts: ${errorMessage(error)}`),
    });
    ctx.onDispose(() => feed.stop());

    // --- results --------------------------------------------------------------------------------
    let resultsTimer: ReturnType<typeof setTimeout> | undefined;
    let lastResultsAt = 0;
    let loading = false;
    ctx.onDispose(() => clearTimeout(resultsTimer));
    function scheduleResults(): void {
      if (resultsTimer) return;
      const wait = Math.max(1500, lastResultsAt + 4000 - Date.now());
      resultsTimer = setTimeout(() => {
        resultsTimer = undefined;
        void loadResults();
      }, wait);
    }

    async function loadResults(): Promise<void> {
      if (loading) {
        scheduleResults();
        return;
      }
      loading = true;
      lastResultsAt = Date.now();
      resultsBody.setAttribute('aria-busy', 'true');
      try {
        const { results } = await ctx.api.request(GetResultsDocument, { experimentId: experiment.id, phase: selectedPhase });
        if (ctx.signal.aborted) return;
        if (!results) replaceChildren(resultsBody, h('p', { class: 'muted' }, 'No results yet.'));
        else showResults(results);
      } catch (error) {
        if (!ctx.signal.aborted) replaceChildren(resultsBody, h('p', { class: 'error', role: 'alert' }, `Could not load the results: ${errorMessage(error)}`));
      } finally {
        loading = false;
        resultsBody.setAttribute('aria-busy', 'false');
      }
    }

    function showPhases(r: Results): void {
      if (selectedPhase === null) phaseCount = r.phase;
      phaseCount = Math.max(phaseCount, r.phase);
      const options = Array.from({ length: phaseCount }, (_, i) => i + 1).map((n) =>
        h('option', { value: String(n) }, n === phaseCount ? `${n} (current)` : String(n)),
      );
      replaceChildren(phaseSelect, options);
      phaseSelect.value = String(r.phase);
      phaseSelect.disabled = phaseCount < 2;
      const notes = [
        h('p', { 'data-testid': 'phase-note' }, `Phase ${r.phase}${r.phase === phaseCount ? ' (current)' : ''}: only the users assigned in this phase and the referrals they brought, tested against this phase’s weights.`),
        r.final ? h('p', { class: 'final-note', 'data-testid': 'final-note' }, 'Final readout: frozen when the experiment was stopped. Later events are kept but do not change it.') : null,
      ];
      replaceChildren(resultsBanner, notes);
    }

    function showDecisions(r: Results): void {
      const treatments = r.variants.filter((v) => v.vsControl);
      replaceChildren(
        decisionsBody,
        h('h3', {}, 'Decision per treatment'),
        h(
          'ul',
          { class: 'plain decision-list' },
          treatments.map((v) =>
            h(
              'li',
              { 'data-variant': v.key, 'data-decision': v.vsControl!.decision },
              h('strong', { class: 'decision', 'data-decision': v.vsControl!.decision }, `${v.key}: ${formatDecision(v.vsControl!.decision)}`),
              v.vsControl!.decisionReason ? [' — ', h('span', { class: 'decision-reason' }, v.vsControl!.decisionReason)] : null,
            ),
          ),
        ),
        h(
          'p',
          { class: 'hint' },
          'Decisions come from the always-valid (sequential) p-value, Holm-adjusted across treatments: safe to check at any time. ' +
            'The fixed-horizon p-values are valid only at the planned sample size, looked at once.',
        ),
      );
    }

    function showResults(r: Results): void {
      computedAt.textContent = `Computed at ${formatClock(r.computedAt)}`;
      computedAt.dataset.computedAt = r.computedAt;
      showPhases(r);
      showDecisions(r);
      replaceChildren(srmSlot, r.srm.mismatch ? srmWarning(r, experiment) : null);
      replaceChildren(progressBody, sampleSizeView(r));
      replaceChildren(resultsBody, resultsTable(r), offersTable(r, experiment.currency), funnelRatesTable(r, experiment.currency), metricsTable(r, experiment.currency));
      rateChart.update(r.variants.map((v) => ({ key: v.key, rate: v.rate, ci: v.rateCi })));
    }

    void loadResults();
  }
}

/** A variant's weight during a phase (the experiment's current weight when phases are not known). */
function phaseWeight(experiment: Experiment, phase: number, key: string): number | undefined {
  const p = experiment.phases.find((x) => x.number === phase);
  return (p?.weights ?? experiment.variants).find((x) => x.key === key)?.weight;
}

function srmWarning(r: Results, experiment: Experiment): HTMLElement {
  const total = r.variants.reduce((s, v) => s + v.users, 0);
  return h(
    'div',
    { class: 'srm-warning', role: 'alert', 'data-testid': 'srm-warning' },
    h('h2', {}, 'Sample ratio mismatch: do not trust these results'),
    h(
      'p',
      {},
      `The users are not split across the variants as the weights say (χ² = ${formatDecimal(r.srm.chiSquare, 2)}, ${formatPEquals(r.srm.pValue)}). ` +
        'Something is wrong with assignment or with how exposures are counted (bots, redirects, lost events, a changed weight). Find the cause before reading the lift.',
    ),
    h(
      'table',
      { class: 'data compact' },
      h('caption', { class: 'visually-hidden' }, 'Observed and expected split of users'),
      h('thead', {}, h('tr', {}, ['Variant', 'Users', 'Observed share', 'Expected share'].map((c) => h('th', { scope: 'col' }, c)))),
      h(
        'tbody',
        {},
        r.variants.map((v) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, v.key),
            h('td', { class: 'num' }, formatInt(v.users)),
            h('td', { class: 'num' }, total ? formatPercent(v.users / total, 1) : MISSING),
            h('td', { class: 'num' }, formatPercent(phaseWeight(experiment, r.phase, v.key), 1)),
          ),
        ),
      ),
    ),
  );
}

function sampleSizeView(r: Results): Node {
  const s = r.sampleSize;
  if (!s) return h('p', { class: 'muted' }, 'No minimum detectable effect is set: edit the experiment to plan a sample size.');
  if (!s.requiredUsersPerVariant) {
    return h(
      'p',
      { 'data-testid': 'sample-size' },
      `Sized to detect a ${formatSignedPercent(s.minimumDetectableEffect, 1)} relative lift. The required sample size needs a baseline: ` +
        `it appears once the control has conversions (smallest variant so far: ${formatInt(s.smallestVariantUsers)} users).`,
    );
  }
  const fraction = s.progress ?? 0;
  return h(
    'div',
    { class: 'progress', 'data-testid': 'sample-size' },
    h('label', { for: 'sample-progress' }, `${formatInt(s.smallestVariantUsers)} of ${formatInt(s.requiredUsersPerVariant)} users in the smallest variant (${formatPercent(fraction, 1)})`),
    h('progress', { id: 'sample-progress', max: '1', value: String(fraction) }, formatPercent(fraction, 1)),
    h(
      'p',
      { class: 'hint' },
      `Planned for the always-valid test to detect a ${formatSignedPercent(s.minimumDetectableEffect, 1)} relative lift at α = ${r.alpha} with 80% power` +
        (s.fixedHorizonUsersPerVariant ? ` (a single fixed-horizon look would need ${formatInt(s.fixedHorizonUsersPerVariant)} per variant). ` : '. ') +
        (fraction >= 1 ? 'The planned sample size is reached.' : 'The decision is safe to check at any time; the fixed-horizon p-value is not.'),
    ),
  );
}

function resultsTable(r: Results): HTMLElement {
  return scrollBox(
    'Results table',
    h(
      'table',
      { class: 'data results', 'data-testid': 'results-table' },
      h('caption', {}, `Primary metric: share of enrolled users who referred at least one converting referee (α = ${r.alpha}; lifts against ${r.control})`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Variant'), RESULT_COLUMNS.map((c) => h('th', { scope: 'col', class: 'num' }, c.label)))),
      h(
        'tbody',
        {},
        r.variants.map((v) => {
          const cells = resultCells(v);
          const significant = v.vsControl?.significant === true;
          return h(
            'tr',
            { 'data-variant': v.key, class: significant ? 'significant' : '' },
            h('th', { scope: 'row' }, v.key, v.key === r.control ? [' ', h('span', { class: 'role' }, '(control)')] : null),
            RESULT_COLUMNS.map((c) =>
              h(
                'td',
                { class: 'num' },
                h('span', { class: 'value', 'data-metric': c.value }, cells[c.value]),
                c.interval && cells[c.interval] !== MISSING ? h('span', { class: 'ci', 'data-metric': c.interval }, cells[c.interval]) : null,
              ),
            ),
          );
        }),
      ),
    ),
  );
}

function funnelRatesTable(r: Results, currency: string): HTMLElement {
  const cols = [
    { label: 'Referrers', f: (x: Results['variants'][number]['funnel']) => formatInt(x.referrers) },
    { label: 'Invite rate', f: (x: Results['variants'][number]['funnel']) => formatPercent(x.inviteRate, 1) },
    { label: 'Invites per referrer', f: (x: Results['variants'][number]['funnel']) => formatDecimal(x.invitesPerReferrer) },
    { label: 'Click-through', f: (x: Results['variants'][number]['funnel']) => formatPercent(x.clickThrough, 1) },
    { label: 'Signup rate', f: (x: Results['variants'][number]['funnel']) => formatPercent(x.signupRate, 1) },
    { label: 'Conversions per referrer', f: (x: Results['variants'][number]['funnel']) => formatDecimal(x.conversionsPerReferrer) },
    { label: 'Revenue per referrer', f: (x: Results['variants'][number]['funnel']) => formatMoney(x.revenuePerReferrer, currency) },
    { label: 'Viral coefficient', f: (x: Results['variants'][number]['funnel']) => formatDecimal(x.viralCoefficient, 3) },
  ];
  return scrollBox(
    'Funnel rates table',
    h(
      'table',
      { class: 'data funnel-rates' },
      h('caption', {}, 'Funnel rates'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Variant'), cols.map((c) => h('th', { scope: 'col', class: 'num' }, c.label)))),
      h('tbody', {}, r.variants.map((v) => h('tr', {}, h('th', { scope: 'row' }, v.key), cols.map((c) => h('td', { class: 'num' }, c.f(v.funnel)))))),
    ),
  );
}

const METRIC_LABEL: Record<string, string> = {
  invitesPerUser: 'Invites per user',
  conversionsPerUser: 'Conversions per user',
  revenuePerUser: 'Revenue per user',
  rewardCostPerUser: 'Reward cost per user',
  netRevenuePerUser: 'Net revenue per user (revenue − reward cost)',
};

type Reward = { amount?: number | null; currency?: string | null; name?: string | null; cost: number } | null | undefined;
const rewardText = (r: Reward, currency: string) =>
  !r ? 'nothing' : r.name ? `${r.name} (costs ${formatMoney(r.cost, currency)})` : formatMoney(r.amount ?? r.cost, r.currency ?? currency);

/** Each variant's offer beside what it returns after reward costs (docs/referrals.md). */
function offersTable(r: Results, currency: string): HTMLElement | null {
  if (!r.variants.some((v) => v.offer)) return null;
  const perUser = (x: number, users: number) => (users > 0 ? formatMoney(x / users, currency) : MISSING);
  return scrollBox(
    'Offers and return table',
    h(
      'table',
      { class: 'data offers' },
      h('caption', {}, `Offers and their return after reward costs (goal: ${r.goalMetric === 'NET_REVENUE_PER_USER' ? 'net revenue per enrolled user' : 'converting-referrer rate'}; rejected as suspected fraud: ${r.rejectedAsFraud})`),
      h('thead', {}, h('tr', {}, ['Variant', 'Offer', 'Reward cost per user', 'Net revenue per user', 'Rejected as fraud', 'Goal decision'].map((c, i) => h('th', { scope: 'col', class: i > 1 && i < 5 ? 'num' : '' }, c)))),
      h(
        'tbody',
        {},
        r.variants.map((v) =>
          h(
            'tr',
            { 'data-variant': v.key },
            h('th', { scope: 'row' }, v.key),
            h('td', {}, v.offer ? `referrer gets ${rewardText(v.offer.referrer, currency)}, friend gets ${rewardText(v.offer.referee, currency)}, on ${v.offer.trigger === 'SIGNUP' ? 'signup' : 'first conversion'}` : 'no offer'),
            h('td', { class: 'num' }, perUser(v.funnel.rewardCost, v.users)),
            h('td', { class: 'num' }, perUser(v.funnel.netRevenue, v.users)),
            h('td', { class: 'num' }, String(v.rejectedAsFraud)),
            h('td', {}, v.goal ? v.goal.decision : 'control'),
          ),
        ),
      ),
    ),
  );
}

function metricsTable(r: Results, currency: string): HTMLElement | null {
  if (r.metrics.length === 0) return null;
  const money = (name: string) => /revenue|cost/i.test(name);
  const fmt = (name: string, x: number) => (money(name) ? formatMoney(x, currency) : formatDecimal(x, 3));
  return scrollBox(
    'Per-user metrics table',
    h(
      'table',
      { class: 'data metrics' },
      h('caption', {}, 'Per-user metrics (Welch’s t-test against the control)'),
      h('thead', {}, h('tr', {}, ['Metric', 'Variant', 'Mean', 'Difference', 'Difference 95% CI', 'p-value'].map((c, i) => h('th', { scope: 'col', class: i > 1 ? 'num' : '' }, c)))),
      h(
        'tbody',
        {},
        r.metrics.flatMap((m) =>
          m.variants.map((v, i) =>
            h(
              'tr',
              {},
              i === 0 ? h('th', { scope: 'rowgroup', rowspan: String(m.variants.length) }, METRIC_LABEL[m.name] ?? m.name) : null,
              h('td', {}, v.key),
              h('td', { class: 'num' }, v.mean === null ? MISSING : fmt(m.name, v.mean)),
              h('td', { class: 'num' }, v.vsControl?.difference == null ? MISSING : fmt(m.name, v.vsControl.difference)),
              h('td', { class: 'num' }, formatInterval(v.vsControl?.differenceCi, (x) => fmt(m.name, x))),
              h('td', { class: 'num' }, formatP(v.vsControl?.pValue)),
            ),
          ),
        ),
      ),
    ),
  );
}

