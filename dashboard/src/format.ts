// Number formatting shared by the dashboard, the simulate command's report and the browser tests
// (which check that the page shows the API's numbers). Pure; no DOM.

/** Shown where a value is undefined (no data yet, or the control compared with itself). */
export const MISSING = '—';

export function isNumber(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

export function formatInt(n: number | null | undefined): string {
  return isNumber(n) ? Math.round(n).toLocaleString('en-US') : MISSING;
}

export function formatDecimal(x: number | null | undefined, digits = 2): string {
  return isNumber(x) ? x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : MISSING;
}

/** 0.1234 → "12.34%" (digits after the point). */
export function formatPercent(x: number | null | undefined, digits = 2): string {
  return isNumber(x) ? `${(x * 100).toFixed(digits)}%` : MISSING;
}

function signed(text: string, x: number): string {
  return x > 0 ? `+${text}` : text;
}

/** A relative change: 0.152 → "+15.20%". */
export function formatSignedPercent(x: number | null | undefined, digits = 2): string {
  return isNumber(x) ? signed(`${(x * 100).toFixed(digits)}%`, x) : MISSING;
}

/** A difference of two rates in percentage points: 0.021 → "+2.10 pp". */
export function formatPoints(x: number | null | undefined, digits = 2): string {
  return isNumber(x) ? signed(`${(x * 100).toFixed(digits)} pp`, x) : MISSING;
}

/** Dollars with cents: 1234.5 → "$1,234.50", -0.62 → "-$0.62". */
/** An amount in the experiment's currency (ISO 4217), e.g. "$1,234.50" or "€12.00". */
export function formatMoney(x: number | null | undefined, currency = 'USD'): string {
  if (!isNumber(x)) return MISSING;
  const text = Math.abs(x).toLocaleString('en-US', { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return x < 0 && Math.abs(x) >= 0.005 ? `-${text}` : text;
}

/** "[a, b]" with each end formatted by `format`; MISSING when either end is unknown. */
export function formatInterval(ci: readonly (number | null)[] | null | undefined, format: (x: number) => string): string {
  if (!ci || ci.length < 2 || !isNumber(ci[0]) || !isNumber(ci[1])) return MISSING;
  return `[${format(ci[0])}, ${format(ci[1])}]`;
}

/** p-values: four decimals, "<0.0001" below that. */
export function formatP(p: number | null | undefined): string {
  if (!isNumber(p)) return MISSING;
  if (p < 0.0001) return '<0.0001';
  return p.toFixed(4);
}

/** "p = 0.0123", or "p < 0.0001" for tiny values. */
export function formatPEquals(p: number | null | undefined): string {
  const text = formatP(p);
  return text.startsWith('<') ? `p ${text.replace('<', '< ')}` : `p = ${text}`;
}

/** A probability shown as a percentage with one decimal: 0.9731 → "97.3%". */
export function formatChance(p: number | null | undefined): string {
  return formatPercent(p, 1);
}

export function formatYesNo(x: boolean | null | undefined): string {
  return x === true ? 'Yes' : x === false ? 'No' : MISSING;
}

/** "14:03:07" in the viewer's time zone (24-hour clock). */
export function formatClock(iso: string | number | Date | null | undefined): string {
  if (iso === null || iso === undefined) return MISSING;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return MISSING;
  return d.toLocaleTimeString('en-GB', { hour12: false });
}

/** "2025-01-31 14:03" in the viewer's time zone. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return MISSING;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return MISSING;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The cells of one row of the results table, in column order; used by the page and the report. */
export interface ResultCells {
  users: string;
  conversions: string;
  rate: string;
  rateCi: string;
  absoluteLift: string;
  absoluteLiftCi: string;
  relativeLift: string;
  relativeLiftCi: string;
  pValue: string;
  pValueAdjusted: string;
  chanceToBeatControl: string;
  sequentialPValue: string;
  decision: string;
  significant: string;
}

export interface ResultVariantLike {
  users: number;
  conversions: number;
  rate?: number | null;
  rateCi?: readonly (number | null)[] | null;
  vsControl?: {
    absoluteLift?: number | null;
    absoluteLiftCi?: readonly (number | null)[] | null;
    relativeLift?: number | null;
    relativeLiftCi?: readonly (number | null)[] | null;
    pValue?: number | null;
    pValueAdjusted?: number | null;
    chanceToBeatControl?: number | null;
    sequentialPValue?: number | null;
    decision?: string | null;
    significant: boolean;
  } | null;
}

/** Labels of the per-treatment decision (enum Decision). */
export const DECISION_LABEL: Record<string, string> = {
  KEEP_RUNNING: 'Keep running',
  TREATMENT_BETTER: 'Treatment better',
  TREATMENT_WORSE: 'Treatment worse',
  NO_DIFFERENCE: 'No difference',
};

export function formatDecision(d: string | null | undefined): string {
  return d ? (DECISION_LABEL[d] ?? d) : MISSING;
}

export function resultCells(v: ResultVariantLike): ResultCells {
  const c = v.vsControl ?? null;
  return {
    users: formatInt(v.users),
    conversions: formatInt(v.conversions),
    rate: formatPercent(v.rate),
    rateCi: formatInterval(v.rateCi, (x) => formatPercent(x)),
    absoluteLift: c ? formatPoints(c.absoluteLift) : MISSING,
    absoluteLiftCi: c ? formatInterval(c.absoluteLiftCi, (x) => formatPoints(x)) : MISSING,
    relativeLift: c ? formatSignedPercent(c.relativeLift, 1) : MISSING,
    relativeLiftCi: c ? formatInterval(c.relativeLiftCi, (x) => formatSignedPercent(x, 1)) : MISSING,
    pValue: c ? formatP(c.pValue) : MISSING,
    pValueAdjusted: c ? formatP(c.pValueAdjusted) : MISSING,
    chanceToBeatControl: c ? formatChance(c.chanceToBeatControl) : MISSING,
    sequentialPValue: c ? formatP(c.sequentialPValue) : MISSING,
    decision: c ? formatDecision(c.decision) : MISSING,
    significant: c ? formatYesNo(c.significant) : MISSING,
  };
}
