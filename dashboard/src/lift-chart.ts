// Relative lift over time, one line per treatment with its 95% interval as dashed lines, drawn from
// the scheduled analysis' snapshots (resultsHistory): stored, so it is the same after a reload.
import { Chart, type ChartDataset } from 'chart.js';
import { colorOf } from './charts.ts';
import { formatClock, formatSignedPercent } from './format.ts';

export interface LiftPoint {
  at: number;
  lift: number | null;
  low: number | null;
  high: number | null;
}

type XY = { x: number; y: number | null };

export class LiftOverTimeChart {
  private readonly chart: Chart<'line', XY[], string>;

  constructor(canvas: HTMLCanvasElement) {
    this.chart = new Chart<'line', XY[], string>(canvas, {
      type: 'line',
      data: { datasets: [] },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        parsing: false,
        spanGaps: true,
        scales: {
          x: { type: 'linear', title: { display: true, text: 'Snapshot time' }, ticks: { maxTicksLimit: 6, callback: (v) => formatClock(Number(v)) } },
          y: { title: { display: true, text: 'Relative lift vs control' }, ticks: { callback: (v) => `${Number(v).toFixed(0)}%` } },
        },
        plugins: {
          legend: { position: 'bottom' },
          tooltip: {
            callbacks: {
              title: (items) => formatClock(items[0]?.parsed.x ?? null),
              label: (item) => `${item.dataset.label}: ${formatSignedPercent((item.parsed.y ?? 0) / 100, 1)}`,
            },
          },
        },
      },
    });
  }

  /** Replaces the series: treatment key → its points, oldest first. */
  update(series: Map<string, LiftPoint[]>, colorIndex: (key: string) => number): void {
    const datasets: ChartDataset<'line', XY[]>[] = [];
    for (const [key, points] of series) {
      const color = colorOf(colorIndex(key));
      const line = (label: string, pick: (p: LiftPoint) => number | null, dashed: boolean): ChartDataset<'line', XY[]> => ({
        label,
        data: points.map((p) => ({ x: p.at, y: pick(p) === null ? null : pick(p)! * 100 })),
        borderColor: color,
        backgroundColor: color,
        borderWidth: dashed ? 1 : 2,
        borderDash: dashed ? [4, 4] : [],
        pointRadius: dashed ? 0 : 2,
      });
      datasets.push(line(`${key} lift`, (p) => p.lift, false), line(`${key} 95% low`, (p) => p.low, true), line(`${key} 95% high`, (p) => p.high, true));
    }
    this.chart.data.datasets = datasets;
    this.chart.update();
  }

  destroy(): void {
    this.chart.destroy();
  }
}
