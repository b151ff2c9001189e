// #/experiments/<id>/insights: named queries of the event lake as charts and tables.
// Locally the page asks the local host's /insights.json, which exports the table incrementally and
// runs insights/queries/*.sql with DuckDB. On AWS the same files are Athena named queries in the
// workgroup splitloop-insights (README: "The event lake"); the page then says where to run them.
import { errorMessage, type ViewContext } from '../context.ts';
import { h, replaceChildren } from '../dom.ts';
import { formatInt } from '../format.ts';
import { channelChart, cohortChart, type Row } from '../insights-charts.ts';
import { href } from '../router.ts';

interface QueryAnswer {
  name: string;
  description: string;
  file: string;
  columns: string[];
  rows: Row[];
}

interface InsightsAnswer {
  source: { engine: string; where: string; lake: string; exportedUpTo: string | null };
  queries: QueryAnswer[];
}

const cell = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'number' ? (Number.isInteger(v) ? formatInt(v) : v.toFixed(2)) : String(v));

function table(q: QueryAnswer): HTMLElement {
  const columns = q.columns.filter((c) => c !== 'experiment_id');
  return h(
    'div',
    { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': `${q.name} table` },
    h(
      'table',
      { 'data-query': q.name },
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, q.rows.map((r) => h('tr', {}, columns.map((c) => h('td', {}, cell(r[c])))))),
    ),
  );
}

function chartSection(ctx: ViewContext, q: QueryAnswer, title: string, draw: ((canvas: HTMLCanvasElement, rows: Row[]) => { destroy(): void }) | null) {
  const body: (HTMLElement | null)[] = [h('p', { class: 'muted' }, q.description)];
  if (!q.rows.length) body.push(h('p', { class: 'muted' }, 'No rows yet: nothing of this kind has been recorded for this experiment.'));
  else if (draw) {
    const canvas = h('canvas', { role: 'img', 'aria-label': `${title}; the same numbers are in the table below` });
    body.push(h('div', { class: 'chart-box' }, canvas));
    queueMicrotask(() => {
      const chart = draw(canvas, q.rows);
      ctx.onDispose(() => chart.destroy());
    });
  }
  if (q.rows.length) body.push(table(q));
  body.push(h('p', { class: 'muted source' }, 'Query: ', h('code', {}, q.file)));
  return h('section', { 'aria-labelledby': `q-${q.name}`, 'data-query-section': q.name }, h('h2', { id: `q-${q.name}` }, title), ...body);
}

export function renderInsights(ctx: ViewContext, root: HTMLElement, id: string): void {
  const heading = h('h1', { tabindex: '-1' }, 'Insights');
  ctx.setTitle('Insights', heading);
  const back = h('p', { class: 'breadcrumb' }, h('a', { href: href.experiment(id) }, '← Experiment'));
  const url = ctx.config.insightsUrl;
  if (!url) {
    replaceChildren(
      root,
      back,
      heading,
      h(
        'p',
        { class: 'source' },
        'On AWS these insights come from Amazon Athena: the event lake (Parquet in S3, Glue database splitloop_lake) is queried with the named queries ',
        h('code', {}, 'conversions_by_channel'), ', ', h('code', {}, 'cohort_curves'), ' and the others in the Athena workgroup ', h('code', {}, 'splitloop-insights'),
        ' (Athena console, or QuickSight connected to that workgroup). Keep one experiment with ',
        h('code', {}, `WHERE experiment_id = '${id}'`), '.',
      ),
    );
    return;
  }
  const status = h('p', { class: 'muted', role: 'status' }, 'Exporting the event lake and running the named queries…');
  replaceChildren(root, back, heading, status);
  const target = new URL(url, document.baseURI);
  target.searchParams.set('experiment', id);
  fetch(target, { signal: ctx.signal, cache: 'no-store' })
    .then(async (response) => {
      const body = (await response.json()) as InsightsAnswer & { errors?: { message: string }[] };
      if (!response.ok || body.errors) throw new Error(body.errors?.map((e) => e.message).join('; ') ?? `HTTP ${response.status}`);
      return body;
    })
    .then((answer) => {
      if (ctx.signal.aborted) return;
      const q = (name: string) => answer.queries.find((x) => x.name === name);
      const source = h(
        'p',
        { class: 'source', 'data-source': answer.source.where },
        `Computed on this machine by ${answer.source.engine} from the event lake in ${answer.source.lake}`,
        answer.source.exportedUpTo ? ` (items exported up to ${answer.source.exportedUpTo})` : '',
        ', with the same .sql files that are Athena named queries in the workgroup splitloop-insights on AWS.',
      );
      const sections = [
        q('conversions_by_channel') && chartSection(ctx, q('conversions_by_channel')!, 'Conversions by channel and day', channelChart),
        q('cohort_curves') && chartSection(ctx, q('cohort_curves')!, 'Cohort curves: days since assignment', cohortChart),
        q('time_to_conversion') && chartSection(ctx, q('time_to_conversion')!, 'Time from invite to conversion', null),
      ];
      replaceChildren(root, back, heading, source, ...sections);
      ctx.announce('Insights loaded');
    })
    .catch((error) => {
      if (ctx.signal.aborted) return;
      replaceChildren(root, back, heading, h('p', { class: 'error', role: 'alert' }, `The insights could not be computed: ${errorMessage(error)}`));
    });
}
