// The experiment as the domain holds it, and what its functions are given. The inputs' target types
// are the API's generated ones (generated/graphql.ts); validateCreate/validateUpdate still take
// `unknown` and check every field, because a Lambda cannot trust what reaches it.
import type {
  CreateExperimentInput as CreateExperimentArgs,
  UpdateExperimentInput as UpdateExperimentArgs,
  VariantInput as VariantArgs,
} from '../../../generated/graphql.ts';
import type { FraudSettings } from '../referrals/fraud.ts';
import type { Offer } from '../referrals/offer.ts';
import type { GoalMetric } from '../referrals/roi.ts';
import type { Phase } from '../../../model/phases.ts';

export const EXPERIMENT_STATUSES = ['DRAFT', 'RUNNING', 'PAUSED', 'STOPPED'] as const;
export type ExperimentStatus = (typeof EXPERIMENT_STATUSES)[number];

export interface Variant {
  /** 1–64 letters, digits, `_` or `-`; unique within the experiment. */
  key: string;
  name: string;
  /** Share of enrolled users, 0..1; the weights of an experiment add up to 1. */
  weight: number;
  /** The strategy's parameters as compact JSON text, or null. */
  config: string | null;
  /** What the referrer and the referee get (referrals/offer.ts); null: no offer. */
  offer?: Offer | null;
}

export interface Experiment {
  id: string;
  name: string;
  description: string | null;
  status: ExperimentStatus;
  variants: Variant[];
  /** Key of the control variant. */
  control: string;
  salt: string;
  /** Share of users enrolled, in (0, 1]. */
  coverage: number;
  attributionWindowDays: number;
  /** ISO 4217 code every conversion value of the experiment is in (revenue is summed in it). */
  currency: string;
  minimumDetectableEffect: number | null;
  /** The metric the always-valid decision is taken on. */
  goalMetric: GoalMetric;
  /** Thresholds of the fraud rules (referrals/fraud.ts); null for experiments stored before they existed (the defaults apply). */
  fraudRules: FraudSettings | null;
  /** ISO 8601 (UTC, as `Date.prototype.toISOString` writes it). */
  endDate: string | null;
  /** What the scheduled analysis may stop the experiment for (both off by default; never a paused one). */
  autoStop: AutoStop;
  startedAt: string | null;
  stoppedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** Optimistic-locking version: 1 when created, +1 on every change. */
  version: number;
  /** Numbered from 1 (model/phases.ts); the read projection always fills it (none before the first start). */
  phases?: Phase[];
}

export interface AutoStop {
  onDecision: boolean;
  onEndDate: boolean;
}

export const AUTO_STOP_OFF: AutoStop = { onDecision: false, onEndDate: false };

/**
 * A variant as the API receives it. `config` is AWSJSON: JSON text, or (AppSync parses AWSJSON
 * arguments before they reach a resolver) the already-parsed value.
 */
export type VariantInput = Omit<VariantArgs, 'config'> & { config?: unknown };

/** createExperiment's input (defaults: a generated salt, coverage 1, 30 days, USD, auto-stop off). */
export type CreateExperimentInput = Omit<CreateExperimentArgs, 'variants'> & { variants: VariantInput[] };

/**
 * updateExperiment's input. Absent (or null) leaves a field as it is; for the nullable fields
 * (description, minimumDetectableEffect, endDate) null clears it; an absent autoStop flag keeps its value.
 */
export type UpdateExperimentInput = Omit<UpdateExperimentArgs, 'variants'> & { variants?: VariantInput[] | null };

export interface CreateOptions {
  /** The new experiment's id (the caller makes it, e.g. crypto.randomUUID()). */
  id: string;
  now: Date;
  /** Makes a salt when the input has none, e.g. `() => crypto.randomUUID()`. */
  generateSalt: () => string;
}

export interface UpdateOptions {
  now: Date;
}

/** The fields createExperiment sets and updateExperiment may change (the referral ones aside). */
export type EditableFields = Pick<
  Experiment,
  | 'name'
  | 'description'
  | 'variants'
  | 'control'
  | 'salt'
  | 'coverage'
  | 'attributionWindowDays'
  | 'currency'
  | 'minimumDetectableEffect'
  | 'endDate'
  | 'autoStop'
>;
