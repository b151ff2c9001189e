// The Insights view's charts: conversions by channel and day (stacked bars) and cohort curves
// (share of enrolled users with a converting referee, by days since assignment, one line per variant).
import { Chart, type ChartDataset } from 'chart.js';
import { colorOf, linearLineOptions, stepLine } from './charts.ts';

export type Row = Record<string, unknown>;

const num = (v: unknown) => (typeof v === 'number' ? v : Number(v ?? 0));

export function channelChart(canvas: HTMLCanvasElement, rows: Row[]): Chart {
  const days = [...new Set(rows.map((r) => String(r.conversion_day)))].sort();
  const channels = [...new Set(rows.map((r) => String(r.channel)))].sort();
  const datasets: ChartDataset<'bar', number[]>[] = channels.map((channel, i) => ({
    label: channel,
    data: days.map((d) => rows.filter((r) => r.channel === channel && String(r.conversion_day) === d).reduce((n, r) => n + num(r.conversions), 0)),
    backgroundColor: colorOf(i),
  }));
  return new Chart(canvas, {
    type: 'bar',
    data: { labels: days, datasets },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        x: { stacked: true, title: { display: true, text: 'Day (UTC)' } },
        y: { stacked: true, beginAtZero: true, title: { display: true, text: 'Counted conversions' }, ticks: { precision: 0 } },
      },
      plugins: { legend: { position: 'bottom' } },
    },
  });
}

export function cohortChart(canvas: HTMLCanvasElement, rows: Row[]): Chart {
  const variants = [...new Set(rows.map((r) => String(r.variant)))].sort();
  const datasets = variants.map((variant, i) =>
    stepLine(variant, rows.filter((r) => r.variant === variant).map((r) => ({ x: num(r.days_since_assignment), y: num(r.share) * 100 })).sort((a, b) => a.x - b.x), i, { pointRadius: 3 }),
  );
  return new Chart(canvas, {
    type: 'line',
    data: { datasets },
    options: linearLineOptions({
      x: { beginAtZero: true, title: { display: true, text: 'Days since assignment' }, ticks: { precision: 0 } },
      y: { title: { display: true, text: 'Users with a converting referee (%)' }, ticks: { callback: (v: unknown) => `${Number(v).toFixed(1)}%` } },
    }),
  });
}
