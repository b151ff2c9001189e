// The editable-field rules are declared once (model/experiment-fields.ts). These tests hold the
// admin Lambda's domain and the dashboard to them: each field the table freezes is refused after
// start, each it leaves editable is accepted, a change opens a phase exactly when the table says,
// and the dashboard's notice names exactly the editable fields.
import { describe, expect, it } from 'vitest';
import { FrozenFieldError } from '../../../lambdas/domain/errors.ts';
import { EDITABLE_FIELDS, FIELD_SPECS, opensNewPhase, validateUpdate, type Experiment } from '../../../lambdas/domain/experiment.ts';
import {
  EXPERIMENT_FIELD_RULES,
  fieldsEditableAfterStart,
  isEditable,
  type ExperimentField,
} from '../../../model/experiment-fields.ts';
import { startedNotice } from '../../../dashboard/src/field-rules.ts';
import { LATER, experiment, running } from './fixtures.ts';

/** A change to each field that is valid on its own, as an update input. */
function changeOf(field: ExperimentField, e: Experiment): Record<string, unknown> {
  const variants = e.variants.map((v) => ({ key: v.key, name: v.name, weight: v.weight, config: v.config }));
  switch (field) {
    case 'name': return { name: 'Renamed' };
    case 'description': return { description: 'Why we test it' };
    case 'variants': return { variants };
    case 'variants[].key': return { variants: variants.map((v, i) => (i === 2 ? { ...v, key: 'D' } : v)), control: e.control };
    case 'variants[].name': return { variants: variants.map((v, i) => (i === 0 ? { ...v, name: 'Another name' } : v)) };
    case 'variants[].weight': return { variants: variants.map((v, i) => ({ ...v, weight: [0.4, 0.4, 0.2][i] })) };
    case 'variants[].config': return { variants: variants.map((v, i) => (i === 0 ? { ...v, config: '{"rewardUsd":7}' } : v)) };
    case 'variants[].offer': return { variants: variants.map((v, i) => (i === 0 ? { ...v, offer: { referrer: { kind: 'CASH', amount: 5 } } } : v)) };
    case 'control': return { control: 'B' };
    case 'salt': return { salt: 'another-salt' };
    case 'coverage': return { coverage: 0.5 };
    case 'attributionWindowDays': return { attributionWindowDays: 7 };
    case 'currency': return { currency: 'EUR' };
    case 'minimumDetectableEffect': return { minimumDetectableEffect: 0.1 };
    case 'endDate': return { endDate: '2030-01-31T00:00:00Z' };
    case 'autoStop': return { autoStop: { onDecision: true } };
    case 'goalMetric': return { goalMetric: 'NET_REVENUE_PER_USER' };
    case 'fraudRules': return { fraudRules: { clockSkewSeconds: 60 } };
  }
}

const ALL = Object.keys(EXPERIMENT_FIELD_RULES) as ExperimentField[];
const apply = (e: Experiment, field: ExperimentField) => () =>
  validateUpdate(e, { id: e.id, version: e.version, ...changeOf(field, e) }, { now: LATER });

describe('the editable-field rules, declared once', () => {
  it.each(ALL)('%s: the domain enforces the table once started, and accepts it in DRAFT', (field) => {
    expect(apply(experiment(), field)).not.toThrow();
    if (EXPERIMENT_FIELD_RULES[field].editableAfterStart) {
      expect(apply(running(), field)).not.toThrow();
      expect(isEditable(field, 'RUNNING')).toBe(true);
    } else {
      const error = (() => {
        try {
          apply(running(), field)();
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(FrozenFieldError);
      const named = (error as FrozenFieldError).fields.map((f) => f.field.replace(/\[\d+\]/, '[]'));
      expect(named).toContain(field === 'variants[].key' ? 'variants' : field);
      expect(isEditable(field, 'PAUSED')).toBe(false);
    }
    expect(isEditable(field, 'DRAFT')).toBe(true);
    expect(isEditable(field, 'STOPPED')).toBe(false);
  });

  it('every top-level field the table freezes has a reason in the domain (or is checked field by field)', () => {
    for (const field of EDITABLE_FIELDS) {
      const frozenTopLevel = !EXPERIMENT_FIELD_RULES[field].editableAfterStart;
      expect(frozenTopLevel, field).toBe(FIELD_SPECS[field].frozenBecause !== undefined);
    }
  });

  it('a change after start opens a phase exactly when the table says', () => {
    const current = { ...running(), phases: [{ number: 1, startedAt: '2025-05-02T00:00:00.000Z', endedAt: null, weights: [], coverage: 1 }] };
    for (const field of fieldsEditableAfterStart()) {
      const next = apply(current, field)();
      expect(opensNewPhase(current, next), field).toBe(EXPERIMENT_FIELD_RULES[field].opensPhase);
    }
    // Not started: no phase to open.
    expect(opensNewPhase(experiment(), apply(experiment(), 'variants[].weight')())).toBe(false);
  });

  it('the dashboard notice names exactly the editable fields (it used to leave out auto-stop)', () => {
    expect(startedNotice('running')).toBe(
      'This experiment is running: only the name, description, weights, coverage, minimum detectable effect, end date and auto-stop can change.',
    );
  });
});
