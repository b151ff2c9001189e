// Names shared by the Lambdas' telemetry (observability.ts) and the alarms and dashboard that read it
// (infra/monitoring.ts). Plain constants: infra/ must not load Powertools.
export const SERVICE = 'splitloop';
/** The CloudWatch namespace of the business metrics (EMF). */
export const METRICS_NAMESPACE = 'Splitloop';
