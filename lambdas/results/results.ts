// results(experimentId): one Query of the experiment's partition (its META item and one totals
// item per variant), then pure statistics. The cost does not depend on how many events exist.
//
// The primary metric is the share of enrolled users who brought at least one converting referee
// ("converting referrers"); per-user metrics (invites, conversions, revenue per enrolled user)
// use Welch's t-test on the sums and sums of squares the aggregator keeps.
import { NotFoundError } from '../domain/errors.ts';
import { analyze } from '../domain/stats/analyze.ts';
import { requiredSampleSizePerVariant } from '../domain/stats/sampleSize.ts';
import type { AppSyncResolverEvent } from '../shared/appsync-event.ts';
import { requireId } from '../shared/args.ts';
import { offerOf } from '../domain/referrals/offer.ts';
import { DEFAULT_GOAL_METRIC, goalComparisons, roiMetricInputs } from '../domain/referrals/roi.ts';
import type { HandlerContext } from '../store/context.ts';
import { totalsOf } from '../store/stores.ts';
import { funnel } from './metrics.ts';

export const ALPHA = 0.05;

export async function getResults(event: AppSyncResolverEvent, { stores }: HandlerContext) {
  const experimentId = requireId(event.arguments, 'experimentId');
  const partition = await stores.totals.readPartition(experimentId);
  if (!partition) throw new NotFoundError('Experiment', experimentId);
  const { experiment } = partition;
  const of = (key: string) => totalsOf(partition, key);
  const metric = (name: string, sum: 'invites' | 'conversions' | 'revenue', sumSq: 'invitesSumSq' | 'conversionsSumSq' | 'revenueSumSq') => ({
    name,
    variants: experiment.variants.map((v) => ({ key: v.key, users: of(v.key).exposures, sum: of(v.key)[sum], sumSquares: of(v.key)[sumSq] })),
  });
  const stats = analyze({
    alpha: ALPHA,
    control: experiment.control,
    expectedSplit: Object.fromEntries(experiment.variants.map((v) => [v.key, v.weight])),
    variants: experiment.variants.map((v) => ({ key: v.key, users: of(v.key).exposures, conversions: of(v.key).convertingReferrers })),
    metrics: [
      metric('invitesPerUser', 'invites', 'invitesSumSq'),
      metric('conversionsPerUser', 'conversions', 'conversionsSumSq'),
      metric('revenuePerUser', 'revenue', 'revenueSumSq'),
      ...roiMetricInputs(experiment.variants.map((v) => ({ key: v.key, totals: of(v.key) }))),
    ],
  });

  const control = of(experiment.control);
  const smallest = Math.min(...experiment.variants.map((v) => of(v.key).exposures));
  const baseline = control.exposures > 0 ? control.convertingReferrers / control.exposures : null;
  const mde = experiment.minimumDetectableEffect;
  const required = mde && baseline ? requiredSampleSizePerVariant({ baselineRate: baseline, relativeMde: mde, alpha: ALPHA }) : null;

  const arm = (key: string) => ({ key, users: of(key).exposures, convertingReferrers: of(key).convertingReferrers, netRevenue: of(key).netRevenue, netRevenueSumSq: of(key).netRevenueSumSq });
  const goals = goalComparisons(
    experiment.goalMetric ?? DEFAULT_GOAL_METRIC,
    arm(experiment.control),
    experiment.variants.filter((v) => v.key !== experiment.control).map((v) => arm(v.key)),
    ALPHA,
  );
  return {
    experimentId,
    control: experiment.control,
    alpha: ALPHA,
    srm: stats.srm,
    variants: stats.variants.map((v) => ({
      ...v,
      funnel: funnel(of(v.key)),
      rejectedAsFraud: of(v.key).rejectedAsFraud,
      offer: offerOf(experiment, v.key),
      goal: goals.get(v.key) ?? null,
    })),
    metrics: stats.metrics,
    sampleSize: mde
      ? {
          minimumDetectableEffect: mde,
          requiredUsersPerVariant: required,
          smallestVariantUsers: smallest,
          progress: required ? Math.min(1, smallest / required) : null,
        }
      : null,
    goalMetric: experiment.goalMetric ?? DEFAULT_GOAL_METRIC,
    rejectedAsFraud: experiment.variants.reduce((s, v) => s + of(v.key).rejectedAsFraud, 0),
    computedAt: new Date().toISOString(),
  };
}
