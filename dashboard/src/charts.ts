// The two charts of the experiment page, on Chart.js (tree-shaken: only the parts used are registered).
// 1. Conversion rate per variant with its 95% interval: a floating bar for the interval and a
//    point for the estimate.
// 2. Cumulative conversions over time, one line per variant, from the pushed (or polled) live counts.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
  type ChartDataset,
} from 'chart.js';
import { formatClock, formatPercent } from './format.ts';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Legend, Tooltip);
Chart.defaults.animation = false;
Chart.defaults.color = '#1f2328';
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

/** Colors with at least 4.5:1 contrast on white, one per variant. */
export const PALETTE = ['#0b57d0', '#b3261e', '#137333', '#8430ce', '#a05a00', '#00777a', '#c2185b', '#3c4043', '#5b4cc4', '#8a6d00'];
export const colorOf = (index: number) => PALETTE[index % PALETTE.length]!;

/** One variant's line of a step chart (values hold until the next point), in the variant's colour. */
export function stepLine<T>(label: string, data: T[], index: number, style: { pointRadius: number; borderWidth?: number }): ChartDataset<'line', T[]> {
  return { label, data, borderColor: colorOf(index), backgroundColor: colorOf(index), stepped: 'before', ...style };
}

type LineOptions = NonNullable<ChartConfiguration<'line'>['options']>;

/** Options of a line chart over pre-parsed {x, y} points on a linear x axis, legend at the bottom. */
export function linearLineOptions(scales: { x: object; y: object }, plugins: LineOptions['plugins'] = {}): LineOptions {
  return {
    responsive: true,
    maintainAspectRatio: false,
    parsing: false,
    scales: { x: { type: 'linear', ...scales.x }, y: { beginAtZero: true, ...scales.y } },
    plugins: { legend: { position: 'bottom' }, ...plugins },
  };
}

export interface RateDatum {
  key: string;
  rate: number | null;
  ci: readonly (number | null)[] | null;
}

type RateChartType = 'bar' | 'line';
type RateData = (number | [number, number] | null)[];

export class RateChart {
  private readonly chart: Chart<RateChartType, RateData, string>;

  constructor(canvas: HTMLCanvasElement) {
    const config: ChartConfiguration<RateChartType, RateData, string> = {
      type: 'bar',
      data: { labels: [], datasets: [] },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          y: { beginAtZero: true, title: { display: true, text: 'Conversion rate' }, ticks: { callback: (v) => `${Number(v).toFixed(1)}%` } },
          x: { title: { display: true, text: 'Variant' } },
        },
        plugins: {
          legend: { position: 'bottom' },
          tooltip: {
            callbacks: {
              label: (ctx) => {
                const raw = ctx.raw as number | [number, number] | null;
                if (Array.isArray(raw)) return `95% interval: ${formatPercent(raw[0] / 100)} – ${formatPercent(raw[1] / 100)}`;
                return `rate: ${raw === null ? '—' : formatPercent(raw / 100)}`;
              },
            },
          },
        },
      },
    };
    this.chart = new Chart(canvas, config);
  }

  update(data: RateDatum[]): void {
    const interval: ChartDataset<'bar', RateData> = {
      type: 'bar',
      label: '95% interval',
      data: data.map((d) => (d.ci && d.ci[0] !== null && d.ci[1] !== null ? [d.ci[0]! * 100, d.ci[1]! * 100] : null)),
      backgroundColor: data.map((_, i) => `${colorOf(i)}40`),
      borderColor: data.map((_, i) => colorOf(i)),
      borderWidth: 2,
      borderSkipped: false,
      barPercentage: 0.35,
      order: 2,
    };
    const estimate: ChartDataset<'line', RateData> = {
      type: 'line',
      label: 'Conversion rate',
      data: data.map((d) => (d.rate === null ? null : d.rate * 100)),
      showLine: false,
      pointStyle: 'rectRot',
      pointRadius: 8,
      pointHoverRadius: 9,
      pointBackgroundColor: data.map((_, i) => colorOf(i)),
      pointBorderColor: '#ffffff',
      borderColor: '#1f2328',
      backgroundColor: '#1f2328',
      order: 1,
    };
    this.chart.data.labels = data.map((d) => d.key);
    this.chart.data.datasets = [interval, estimate] as ChartDataset<RateChartType, RateData>[];
    this.chart.update();
  }

  destroy(): void {
    this.chart.destroy();
  }
}

export interface TimePoint {
  x: number;
  y: number;
}

export class CumulativeChart {
  private readonly chart: Chart<'line', TimePoint[], string>;
  private readonly series = new Map<string, TimePoint[]>();
  private lastX = 0;

  constructor(canvas: HTMLCanvasElement, variantKeys: readonly string[]) {
    const datasets: ChartDataset<'line', TimePoint[]>[] = variantKeys.map((key, i) => {
      const points: TimePoint[] = [];
      this.series.set(key, points);
      return stepLine(key, points, i, { pointRadius: 2, borderWidth: 2 });
    });
    this.chart = new Chart<'line', TimePoint[], string>(canvas, {
      type: 'line',
      data: { datasets },
      options: linearLineOptions(
        {
          x: { title: { display: true, text: 'Time' }, ticks: { maxTicksLimit: 6, callback: (v: unknown) => formatClock(Number(v)) } },
          y: { title: { display: true, text: 'Conversions (cumulative)' }, ticks: { precision: 0 } },
        },
        { tooltip: { callbacks: { title: (items) => formatClock(items[0]?.parsed.x ?? null) } } },
      ),
    });
  }

  /** Adds a point per variant when any count changed; times never go backwards. */
  add(at: number, conversions: ReadonlyMap<string, number>): boolean {
    let changed = false;
    for (const [key, points] of this.series) {
      const value = conversions.get(key) ?? 0;
      if (points.length === 0 || points[points.length - 1]!.y !== value) changed = true;
    }
    if (!changed) return false;
    const x = Math.max(at, this.lastX + 1);
    this.lastX = x;
    for (const [key, points] of this.series) points.push({ x, y: conversions.get(key) ?? 0 });
    // A steady time axis: at least a minute wide, so that one point does not stretch it over days.
    const first = [...this.series.values()][0]?.[0]?.x ?? x;
    const xScale = this.chart.options.scales?.x;
    if (xScale) {
      xScale.min = first - 5_000;
      xScale.max = Math.max(x + 5_000, first + 60_000);
    }
    this.chart.update();
    return true;
  }

  destroy(): void {
    this.chart.destroy();
  }
}
