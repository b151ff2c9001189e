// The JSON shapes of `splitloop stats` and of the results engine (CONTRACT.md, "Statistics input
// and output"). Numbers are plain JSON numbers; `null` wherever a statistic is undefined.
import type { Interval } from './finite.ts';

export type { Interval };

export interface StatsVariantInput {
  key: string;
  users: number;
  conversions: number;
  /**
   * Optional (an addition to the contract): this variant's sequentialPValue from the previous look.
   * The always-valid p-value is a running minimum over looks; pass it to carry that minimum.
   */
  previousSequentialPValue?: number | null;
}

export interface StatsMetricVariantInput {
  key: string;
  /** Users the metric is averaged over. */
  users: number;
  /** Σ of the per-user values. */
  sum: number;
  /** Σ of the squares of the per-user values. */
  sumSquares: number;
}

export interface StatsMetricInput {
  name: string;
  variants: StatsMetricVariantInput[];
}

export interface StatsInput {
  /** Two-sided significance level for intervals and `significant`; default 0.05. */
  alpha?: number;
  /** Key of the control variant. */
  control: string;
  /** Configured share of users per variant key (adds up to 1); default an equal split. */
  expectedSplit?: Record<string, number>;
  variants: StatsVariantInput[];
  metrics?: StatsMetricInput[];
}

export interface SrmOutput {
  chiSquare: number | null;
  pValue: number | null;
  mismatch: boolean;
}

export interface VsControlOutput {
  /** rate − control rate. */
  absoluteLift: number | null;
  absoluteLiftCi: Interval | null;
  /** rate / control rate − 1. */
  relativeLift: number | null;
  relativeLiftCi: Interval | null;
  pValue: number | null;
  pValueAdjusted: number | null;
  chanceToBeatControl: number | null;
  sequentialPValue: number | null;
  /** pValueAdjusted < alpha. */
  significant: boolean;
}

export interface VariantOutput {
  key: string;
  users: number;
  conversions: number;
  rate: number | null;
  rateCi: Interval | null;
  /** null for the control. */
  vsControl: VsControlOutput | null;
}

export interface MetricVsControlOutput {
  /** variant mean − control mean. */
  difference: number | null;
  differenceCi: Interval | null;
  pValue: number | null;
}

export interface MetricVariantOutput {
  key: string;
  mean: number | null;
  /** null for the control. */
  vsControl: MetricVsControlOutput | null;
}

export interface MetricOutput {
  name: string;
  variants: MetricVariantOutput[];
}

export interface StatsOutput {
  srm: SrmOutput;
  variants: VariantOutput[];
  metrics: MetricOutput[];
}
