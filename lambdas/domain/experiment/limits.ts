// The limits of an experiment's fields (the error messages quote them).
export const LIMITS = {
  minVariants: 2,
  maxVariants: 10,
  keyMaxLength: 64,
  nameMaxLength: 200,
  variantNameMaxLength: 200,
  descriptionMaxLength: 2000,
  configMaxBytes: 4096,
  saltMaxLength: 64,
  minAttributionWindowDays: 1,
  maxAttributionWindowDays: 90,
  defaultAttributionWindowDays: 30,
  defaultCurrency: 'USD',
  defaultCoverage: 1,
  maxMinimumDetectableEffect: 10,
  /** Weights must add up to 1 within this. */
  weightTolerance: 1e-9,
} as const;
