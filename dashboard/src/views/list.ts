// Experiments by status: one tab per status (links, so that each tab has its own address).
import { GetAlertsDocument, ListExperimentsDocument, type ExperimentStatus, type ListExperimentsQuery } from '../../../generated/graphql.ts';
import { ALERT_LABEL } from './analysis.ts';
import { errorMessage, type ViewContext } from '../context.ts';
import { append, h, replaceChildren } from '../dom.ts';
import { formatDateTime, formatPercent } from '../format.ts';
import { href, STATUS_LABEL, STATUSES } from '../router.ts';

type Item = ListExperimentsQuery['experiments']['items'][number];

export function renderList(ctx: ViewContext, root: HTMLElement, status: ExperimentStatus): void {
  const heading = h('h1', { tabindex: '-1' }, 'Experiments');
  ctx.setTitle(`${STATUS_LABEL[status]} experiments`, heading);
  const tabs = h(
    'nav',
    { 'aria-label': 'Experiments by status', class: 'tabs' },
    h(
      'ul',
      {},
      STATUSES.map((s) =>
        h('li', {}, h('a', { href: href.list(s), 'aria-current': s === status ? 'page' : null, 'data-status': s }, STATUS_LABEL[s])),
      ),
    ),
  );
  const region = h('section', { 'aria-labelledby': 'list-heading', 'aria-busy': 'true', class: 'list-region' });
  const regionHeading = h('h2', { id: 'list-heading' }, `${STATUS_LABEL[status]} experiments`);
  const body = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  append(region, [regionHeading, body]);
  replaceChildren(
    root,
    h('div', { class: 'page-head' }, heading, h('a', { class: 'button', href: href.create() }, 'New experiment')),
    tabs,
    region,
  );

  const items: Item[] = [];
  let nextToken: string | null = null;
  // Running experiments show their open alerts (those of the current run of the experiment).
  const withAlerts = status === 'RUNNING';
  const alertCells = new Map<string, HTMLTableCellElement>();
  const alertCell = (id: string) => {
    let td = alertCells.get(id);
    if (!td) {
      td = h('td', { class: 'alerts-cell', 'data-experiment': id }, '…');
      alertCells.set(id, td);
      void ctx.api
        .request(GetAlertsDocument, { experimentId: id, limit: 10 })
        .then(({ alerts }) => {
          if (ctx.signal.aborted) return;
          const kinds = alerts.items.map((a) => a.kind);
          replaceChildren(td!, kinds.length ? kinds.map((k) => h('span', { class: 'alert-badge', 'data-kind': k }, ALERT_LABEL[k] ?? k)) : 'none');
        })
        .catch(() => replaceChildren(td!, '?'));
    }
    return td;
  };

  const table = () =>
    h(
      'table',
      { class: 'data experiments' },
      h('caption', { class: 'visually-hidden' }, `${STATUS_LABEL[status]} experiments`),
      h(
        'thead',
        {},
        h('tr', {}, ['Name', 'Variants', 'Control', 'Coverage', 'Created', 'Started', ...(withAlerts ? ['Alerts'] : [])].map((c) => h('th', { scope: 'col' }, c))),
      ),
      h(
        'tbody',
        {},
        items.map((e) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, h('a', { href: href.experiment(e.id) }, e.name)),
            h('td', {}, e.variants.map((v) => `${v.key} (${formatPercent(v.weight, 0)})`).join(', ')),
            h('td', {}, e.control),
            h('td', { class: 'num' }, formatPercent(e.coverage, 0)),
            h('td', {}, formatDateTime(e.createdAt)),
            h('td', {}, formatDateTime(e.startedAt)),
            withAlerts ? alertCell(e.id) : null,
          ),
        ),
      ),
    );

  async function load(): Promise<void> {
    region.setAttribute('aria-busy', 'true');
    try {
      const page = (await ctx.api.request(ListExperimentsDocument, { status, limit: 25, nextToken })).experiments;
      if (ctx.signal.aborted) return;
      items.push(...page.items);
      nextToken = page.nextToken;
      if (items.length === 0) {
        replaceChildren(
          body,
          h('p', { class: 'empty' }, `No ${STATUS_LABEL[status].toLowerCase()} experiments. `, status === 'DRAFT' || status === 'RUNNING' ? h('a', { href: href.create() }, 'Create one') : null),
        );
      } else {
        const more = nextToken ? h('button', { type: 'button', class: 'secondary', onclick: () => void load() }, 'Load more') : null;
        replaceChildren(body, table(), more);
      }
    } catch (error) {
      if (!ctx.signal.aborted) replaceChildren(body, h('p', { class: 'error', role: 'alert' }, `Could not load the experiments: ${errorMessage(error)}`));
    } finally {
      region.setAttribute('aria-busy', 'false');
    }
  }
  void load();
}
