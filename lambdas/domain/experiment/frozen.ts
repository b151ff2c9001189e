// What an update may not change once the experiment has started. Which fields are frozen is
// model/experiment-fields.ts; why is fields.ts (top-level fields) and the messages below (a
// variant's own fields). Sending a frozen field with its current value is not a change, so a client
// may send the whole form back.
import { isRecord } from '../../../model/guards.ts';
import { EXPERIMENT_FIELD_RULES } from '../../../model/experiment-fields.ts';
import type { FieldProblem } from '../errors.ts';
import { frozenReferralProblems } from '../referrals/experiment-fields.ts';
import { EDITABLE_FIELDS, FIELD_SPECS } from './fields.ts';
import { absent, Problems, show } from './problems.ts';
import type { Experiment } from './types.ts';
import { normalizeConfig, usableKeys } from './variants.ts';

/** Frozen-field problems of an update to a started experiment (empty when none). */
export function frozenProblems(current: Experiment, input: Record<string, unknown>): FieldProblem[] {
  const since = `cannot change after the experiment started (it is ${current.status})`;
  const problems: FieldProblem[] = [];
  // Single-valued fields first, in the table's order.
  for (const field of EDITABLE_FIELDS) {
    const because = FIELD_SPECS[field].frozenBecause;
    if (EXPERIMENT_FIELD_RULES[field].editableAfterStart || !because) continue;
    if (!absent(input[field]) && input[field] !== current[field]) {
      problems.push({ field, message: `${field} ${since}: ${because(current)}` });
    }
  }
  problems.push(...frozenVariantProblems(current, input.variants, since));
  problems.push(...frozenReferralProblems(current, input, current.currency));
  return problems;
}

/** The variants' frozen fields: the set of keys, and each variant's name and config. */
function frozenVariantProblems(current: Experiment, sentVariants: unknown, since: string): FieldProblem[] {
  if (absent(sentVariants)) return [];
  const rule = (f: 'name' | 'config') => EXPERIMENT_FIELD_RULES[`variants[].${f}`].editableAfterStart;
  const problems: FieldProblem[] = [];
  const sent = usableKeys(sentVariants);
  const keys = current.variants.map((v) => v.key);
  const sameKeys =
    Array.isArray(sentVariants) &&
    sent.length === sentVariants.length &&
    sent.length === keys.length &&
    new Set(sent).size === sent.length &&
    sent.every((k) => keys.includes(k));
  // Matching by key needs the same keys, so they are checked even if a table said they were editable.
  if (!sameKeys || !Array.isArray(sentVariants)) {
    return [
      {
        field: 'variants',
        message: `variant keys ${since}: they are ${keys.join(', ')} and you sent ${sent.join(', ') || 'none'}; send the same keys, only their weights may change`,
      },
    ];
  }
  sentVariants.forEach((v: unknown, i) => {
    if (!isRecord(v)) return;
    const was = current.variants.find((c) => c.key === v.key)!;
    if (!rule('name') && (typeof v.name !== 'string' || v.name.trim() !== was.name)) {
      problems.push({
        field: `variants[${i}].name`,
        message: `variants[${i}].name (variant ${show(v.key)}) ${since}: it is ${show(was.name)}; only weights may change`,
      });
    }
    // A variant sent without `config` keeps its config: a weights-only change need not echo the
    // strategy back. (An explicit null is a change when the variant has a config.)
    const config = v.config === undefined ? was.config : normalizeConfig(v.config, `variants[${i}].config`, new Problems());
    if (!rule('config') && config !== was.config) {
      problems.push({
        field: `variants[${i}].config`,
        message: `variants[${i}].config (variant ${show(v.key)}) ${since}: users already saw this strategy; stop this experiment and create a new one to test another config`,
      });
    }
  });
  return problems;
}
