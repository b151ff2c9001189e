// The statistics engine (pure functions; distributions from @stdlib). See README.md for methods,
// references and the choices made.
export { analyze } from './analyze.ts';
export type * from './types.ts';
export { StatsInputError } from './errors.ts';
export { validateStatsInput, type ValidatedStatsInput } from './validate.ts';
export { finiteOrNull, finiteIntervalOrNull, type Interval } from './finite.ts';
export { wilsonInterval, wilsonIntervalZ } from './wilson.ts';
export { newcombeDifferenceInterval } from './newcombe.ts';
export { twoProportionZTest, type ZTestResult } from './twoProportionZTest.ts';
export { relativeLift, type RelativeLiftResult } from './relativeLift.ts';
export { holmAdjust } from './holm.ts';
export { chanceToBeatControl, chanceToBeatClosedForm, chanceToBeatByIntegration, betaPosterior, CLOSED_FORM_MAX_TERMS, type BetaParameters } from './chanceToBeat.ts';
export {
  sequentialTest,
  sequentialPValue,
  msprtLogLikelihoodRatio,
  pValueFromLogLikelihoodRatio,
  DEFAULT_RELATIVE_EFFECT_SCALE,
  type SequentialOptions,
  type SequentialResult,
} from './msprt.ts';
export { sampleRatioMismatch, SRM_P_VALUE_THRESHOLD, type SrmResult } from './srm.ts';
export { welchTTest, meanOf, varianceOf, type MomentSums, type WelchResult } from './welch.ts';
export { requiredSampleSizePerVariant, sampleSizePerVariantExact, twoProportionPower, type SampleSizeInput } from './sampleSize.ts';
export { differenceConfidenceSequence, confidenceSequenceHalfWidth } from './confidenceSequence.ts';
export {
  sequentialSampleSizePerVariant,
  sequentialPowerAtLook,
  msprtCriticalZ,
  relativeEffectScaleFor,
  TAU_PER_MDE,
  type SequentialPlanInput,
} from './sequentialSampleSize.ts';
export { decide, DECISIONS, type Decision, type DecisionInput, type DecisionOutput, type TreatmentDecision, type SequentialPlan } from './decision.ts';
export { funnel, isReferrer, type FunnelTotals, type FunnelOutput } from './funnel.ts';
export { computePhaseResults, phaseStatsInput, phaseVariants, DEFAULT_ALPHA, type ResultsInput, type ResultsOutput, type PhaseInfo, type VariantTotals } from './results.ts';
