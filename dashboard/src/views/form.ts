// Create or edit an experiment. The API validates (the form adds only what GraphQL itself would
// reject: numbers that are not numbers, JSON that is not JSON); every problem the API reports in
// `errorInfo.fields` is shown beside its field (paths like `variants[1].weight`), and listed in a
// summary at the top that links to the fields.
import {
  CreateExperimentDocument,
  GetExperimentDocument,
  UpdateExperimentDocument,
  type CreateExperimentInput,
  type ExperimentFieldsFragment,
  type UpdateExperimentInput,
  type VariantInput,
} from '../../../generated/graphql.ts';
import { ApiError, type FieldProblem } from '../api.ts';
import { errorMessage, type ViewContext } from '../context.ts';
import { append, h, replaceChildren } from '../dom.ts';
import { href, STATUS_LABEL } from '../router.ts';
// The same editable-field rules the admin Lambda applies (which fields may change once started).
import { isEditable, type ExperimentField } from '../../../model/experiment-fields.ts';
import { startedNotice } from '../field-rules.ts';

interface VariantDraft {
  key: string;
  name: string;
  weight: string;
  config: string;
}

interface Draft {
  name: string;
  description: string;
  variants: VariantDraft[];
  control: string;
  coverage: string;
  attributionWindowDays: string;
  currency: string;
  minimumDetectableEffect: string;
  endDate: string;
  autoStopOnDecision: boolean;
  autoStopOnEndDate: boolean;
}

const NEW_DRAFT = (): Draft => ({
  name: '',
  description: '',
  variants: [
    { key: 'control', name: 'Control', weight: '0.5', config: '' },
    { key: 'treatment', name: 'Treatment', weight: '0.5', config: '' },
  ],
  control: 'control',
  coverage: '1',
  attributionWindowDays: '30',
  currency: 'USD',
  minimumDetectableEffect: '0.1',
  endDate: '',
  autoStopOnDecision: false,
  autoStopOnEndDate: false,
});

function toLocalInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function draftOf(e: ExperimentFieldsFragment): Draft {
  return {
    name: e.name,
    description: e.description ?? '',
    variants: e.variants.map((v) => ({ key: v.key, name: v.name, weight: String(v.weight), config: v.config ?? '' })),
    control: e.control,
    coverage: String(e.coverage),
    attributionWindowDays: String(e.attributionWindowDays),
    currency: e.currency,
    minimumDetectableEffect: e.minimumDetectableEffect === null ? '' : String(e.minimumDetectableEffect),
    endDate: toLocalInput(e.endDate),
    autoStopOnDecision: e.autoStop?.onDecision ?? false,
    autoStopOnEndDate: e.autoStop?.onEndDate ?? false,
  };
}

/** The auto-stop policy: what the scheduled analysis may stop a running experiment for. */
function autoStopFieldset(draft: Draft): HTMLElement {
  const box = (id: string, label: string, checked: boolean, set: (x: boolean) => void, hint: string) =>
    h(
      'div',
      { class: 'checkbox' },
      h('input', { type: 'checkbox', id, checked, onchange: (e: Event) => set((e.target as HTMLInputElement).checked), 'aria-describedby': `${id}-hint` }),
      h('label', { for: id }, label),
      h('p', { class: 'hint', id: `${id}-hint` }, hint),
    );
  return h(
    'fieldset',
    { class: 'auto-stop', id: fieldId('autoStop') },
    h('legend', {}, 'Stop automatically'),
    box('f-autoStop-onDecision', 'When every treatment has a decision', draft.autoStopOnDecision, (x) => (draft.autoStopOnDecision = x), 'The scheduled analysis stops the experiment once the always-valid test has decided every treatment.'),
    box('f-autoStop-onEndDate', 'When the end date has passed', draft.autoStopOnEndDate, (x) => (draft.autoStopOnEndDate = x), 'A paused experiment is never stopped automatically.'),
  );
}

/** A DOM id for a field path: `variants[1].weight` → `f-variants-1-weight`. */
export function fieldId(path: string): string {
  return `f-${path.replace(/[^A-Za-z0-9]+/g, '-').replace(/-+$/, '')}`;
}

/** The path itself, then its parents: `variants[1].config` → `variants[1]` → `variants`. */
export function pathCandidates(path: string): string[] {
  const out = [path];
  let p = path;
  for (;;) {
    const next = p.replace(/(\.[^.[\]]+|\[\d+\])$/, '');
    if (next === p || next === '') break;
    out.push(next);
    p = next;
  }
  return out;
}

interface Problems {
  list: FieldProblem[];
  add(field: string, message: string): void;
}

function number(text: string, field: string, p: Problems, opts: { required: boolean; integer?: boolean }): number | null | undefined {
  const t = text.trim();
  if (t === '') {
    if (opts.required) p.add(field, `${field} is required`);
    return null;
  }
  const n = Number(t);
  if (!Number.isFinite(n)) {
    p.add(field, `${field} must be a number, got "${t}"`);
    return undefined;
  }
  if (opts.integer && !Number.isInteger(n)) {
    p.add(field, `${field} must be a whole number of days, got ${t}`);
    return undefined;
  }
  return n;
}

export function renderForm(ctx: ViewContext, root: HTMLElement, id?: string): void {
  const heading = h('h1', { tabindex: '-1' }, id ? 'Edit experiment' : 'New experiment');
  ctx.setTitle(id ? 'Edit experiment' : 'New experiment', heading);
  const body = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  replaceChildren(root, h('p', { class: 'breadcrumb' }, h('a', { href: id ? href.experiment(id) : href.list() }, id ? '← Back to the experiment' : '← Experiments')), heading, body);

  if (!id) {
    build(NEW_DRAFT(), null);
    return;
  }
  ctx.api
    .request(GetExperimentDocument, { id })
    .then(({ experiment }) => {
      if (ctx.signal.aborted) return;
      if (!experiment) replaceChildren(body, h('p', { class: 'error', role: 'alert' }, `Experiment ${id} was not found.`));
      else if (experiment.status === 'STOPPED') replaceChildren(body, h('p', { class: 'error', role: 'alert' }, 'A stopped experiment cannot be edited.'));
      else {
        heading.textContent = `Edit “${experiment.name}”`;
        ctx.setTitle(`Edit ${experiment.name}`, heading);
        build(draftOf(experiment), experiment);
      }
    })
    .catch((error: unknown) => {
      if (!ctx.signal.aborted) replaceChildren(body, h('p', { class: 'error', role: 'alert' }, `Could not load the experiment: ${errorMessage(error)}`));
    });

  function build(draft: Draft, existing: ExperimentFieldsFragment | null): void {
    const started = existing !== null && existing.status !== 'DRAFT';
    const locked = (field: ExperimentField) => !isEditable(field, existing?.status ?? 'DRAFT');
    const controls = new Map<string, HTMLElement>();
    const errorSlots = new Map<string, HTMLElement>();
    const summary = h('div', { class: 'error-summary', tabindex: '-1', role: 'alert', hidden: true });

    function field(path: string, label: string, control: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement, hint?: string): HTMLElement {
      const idBase = fieldId(path);
      control.id = idBase;
      control.dataset.field = path;
      const hintEl = hint ? h('p', { class: 'hint', id: `${idBase}-hint` }, hint) : null;
      const error = h('p', { class: 'field-error', id: `${idBase}-error`, 'data-error-for': path, hidden: true });
      control.setAttribute('aria-describedby', [hintEl ? `${idBase}-hint` : '', `${idBase}-error`].filter(Boolean).join(' '));
      controls.set(path, control);
      errorSlots.set(path, error);
      return h('div', { class: 'field' }, h('label', { for: idBase }, label), hintEl, control, error);
    }

    const input = (value: string, attrs: Record<string, string | boolean>, onInput: (v: string) => void) =>
      h('input', { value, ...attrs, oninput: (e: Event) => onInput((e.target as HTMLInputElement).value) });

    const controlSelect = h('select', { disabled: locked('control'), oninput: (e: Event) => (draft.control = (e.target as HTMLSelectElement).value) });
    function refreshControlOptions(): void {
      const keys = draft.variants.map((v) => v.key.trim()).filter((k, i, all) => k !== '' && all.indexOf(k) === i);
      if (!keys.includes(draft.control) && draft.control !== '') keys.unshift(draft.control);
      replaceChildren(controlSelect, keys.map((k) => h('option', { value: k, selected: k === draft.control }, k)));
      if (keys.length === 0) append(controlSelect, [h('option', { value: '' }, '(give a variant a key)')]);
      controlSelect.value = draft.control;
    }

    const variantsBox = h('div', { class: 'variants' });
    const variantsError = h('p', { class: 'field-error', id: fieldId('variants') + '-error', 'data-error-for': 'variants', hidden: true });
    function renderVariants(): void {
      for (const key of [...controls.keys()]) if (key.startsWith('variants[')) controls.delete(key);
      for (const key of [...errorSlots.keys()]) if (key.startsWith('variants[')) errorSlots.delete(key);
      replaceChildren(
        variantsBox,
        draft.variants.map((v, i) => {
          const at = `variants[${i}]`;
          const legendText = `Variant ${i + 1}`;
          const remove =
            !locked('variants[].key') && draft.variants.length > 2
              ? h('button', { type: 'button', class: 'secondary small', onclick: () => { draft.variants.splice(i, 1); renderVariants(); } }, `Remove variant ${i + 1}`)
              : null;
          const box = h(
            'fieldset',
            { class: 'variant', id: fieldId(at) },
            h('legend', {}, legendText),
            h(
              'div',
              { class: 'variant-grid' },
              field(`${at}.key`, 'Key', input(v.key, { required: true, autocomplete: 'off', disabled: locked('variants[].key'), spellcheck: false }, (x) => { v.key = x; refreshControlOptions(); }), 'Letters, digits, _ and -'),
              field(`${at}.name`, 'Name', input(v.name, { required: true, disabled: locked('variants[].name') }, (x) => (v.name = x)), 'What the team calls it'),
              field(`${at}.weight`, 'Weight', input(v.weight, { inputmode: 'decimal', required: true, disabled: locked('variants[].weight') }, (x) => (v.weight = x)), 'Share of enrolled users, 0–1'),
            ),
            field(
              `${at}.config`,
              'Config (JSON)',
              h('textarea', { rows: '2', spellcheck: 'false', disabled: locked('variants[].config'), oninput: (e: Event) => (v.config = (e.target as HTMLTextAreaElement).value) }, v.config),
              'The strategy’s parameters, e.g. {"rewardUsd": 10}',
            ),
            h('p', { class: 'field-error', id: `${fieldId(at)}-error`, 'data-error-for': at, hidden: true }),
            remove,
          );
          errorSlots.set(at, box.querySelector(`[data-error-for="${at}"]`) as HTMLElement);
          controls.set(at, box);
          return box;
        }),
      );
      refreshControlOptions();
    }
    errorSlots.set('variants', variantsError);

    const addVariant = locked('variants[].key')
      ? null
      : h('button', {
          type: 'button',
          class: 'secondary',
          onclick: () => {
            draft.variants.push({ key: '', name: '', weight: '0', config: '' });
            renderVariants();
            (controls.get(`variants[${draft.variants.length - 1}].key`) as HTMLInputElement | undefined)?.focus();
          },
        }, 'Add variant');

    const submit = h('button', { type: 'submit' }, existing ? 'Save changes' : 'Create experiment');
    const form = h(
      'form',
      { novalidate: true, class: 'experiment-form', 'aria-labelledby': 'form-heading' },
      h('h2', { id: 'form-heading', class: 'visually-hidden' }, existing ? 'Experiment settings' : 'New experiment settings'),
      started
        ? h('p', { class: 'notice' }, startedNotice(STATUS_LABEL[existing!.status].toLowerCase()))
        : null,
      summary,
      field('name', 'Name', input(draft.name, { required: true, autocomplete: 'off' }, (x) => (draft.name = x))),
      field('description', 'Description', h('textarea', { rows: '2', oninput: (e: Event) => (draft.description = (e.target as HTMLTextAreaElement).value) }, draft.description)),
      h(
        'fieldset',
        { class: 'variants-fieldset', id: fieldId('variants'), 'aria-describedby': `${fieldId('variants')}-error` },
        h('legend', {}, 'Variants'),
        variantsError,
        variantsBox,
        addVariant,
      ),
      field('control', 'Control variant', controlSelect, 'The baseline every other variant is compared with'),
      h(
        'div',
        { class: 'field-row' },
        field('coverage', 'Coverage', input(draft.coverage, { inputmode: 'decimal' }, (x) => (draft.coverage = x)), 'Share of users enrolled, more than 0 and at most 1'),
        field('attributionWindowDays', 'Attribution window (days)', input(draft.attributionWindowDays, { inputmode: 'numeric', disabled: locked('attributionWindowDays') }, (x) => (draft.attributionWindowDays = x)), 'Conversions this long after the signup count'),
        field('currency', 'Currency', input(draft.currency, { disabled: locked('currency') }, (x) => (draft.currency = x)), 'ISO 4217 code of conversion values, e.g. USD'),
        field('minimumDetectableEffect', 'Minimum detectable effect', input(draft.minimumDetectableEffect, { inputmode: 'decimal' }, (x) => (draft.minimumDetectableEffect = x)), 'Relative lift to size the test for, e.g. 0.1 = 10%'),
      ),
      field('endDate', 'End date (optional)', input(draft.endDate, { type: 'datetime-local' }, (x) => (draft.endDate = x)), 'Your local time'),
      autoStopFieldset(draft),
      h('div', { class: 'form-actions' }, submit, h('a', { class: 'button secondary', href: existing ? href.experiment(existing.id) : href.list() }, 'Cancel')),
    );
    renderVariants();
    replaceChildren(body, form);

    function clearErrors(): void {
      summary.hidden = true;
      summary.replaceChildren();
      for (const slot of errorSlots.values()) {
        slot.hidden = true;
        slot.replaceChildren();
      }
      for (const c of Array.from(form.querySelectorAll('[aria-invalid]'))) c.removeAttribute('aria-invalid');
    }

    function showErrors(problems: FieldProblem[], general?: string): void {
      const items: HTMLElement[] = [];
      for (const problem of problems) {
        const path = pathCandidates(problem.field).find((p) => errorSlots.has(p));
        if (path) {
          const slot = errorSlots.get(path)!;
          slot.hidden = false;
          append(slot, [h('span', {}, problem.message)]);
          const control = controls.get(path) ?? form.querySelector<HTMLElement>(`#${CSS.escape(fieldId(path))}`);
          control?.setAttribute('aria-invalid', 'true');
          const target = fieldId(path);
          items.push(
            h('li', {}, h('a', { href: `#${target}`, onclick: (e: Event) => { e.preventDefault(); (controls.get(path) ?? document.getElementById(target))?.focus(); } }, problem.message)),
          );
        } else items.push(h('li', {}, problem.message));
      }
      replaceChildren(
        summary,
        h('h2', {}, problems.length ? `Fix ${problems.length === 1 ? 'this problem' : `these ${problems.length} problems`}` : 'The experiment was not saved'),
        general ? h('p', {}, general) : null,
        items.length ? h('ul', {}, items) : null,
      );
      summary.hidden = false;
      summary.focus();
    }

    function collect(): { create?: CreateExperimentInput; update?: UpdateExperimentInput; problems: FieldProblem[] } {
      const list: FieldProblem[] = [];
      const p: Problems = { list, add: (field, message) => list.push({ field, message }) };
      const variants: VariantInput[] = draft.variants.map((v, i) => {
        const at = `variants[${i}]`;
        const weight = number(v.weight, `${at}.weight`, p, { required: true });
        let config: string | null = v.config.trim() === '' ? null : v.config.trim();
        if (config !== null && !locked('variants[].config')) {
          try {
            JSON.parse(config);
          } catch (e) {
            p.add(`${at}.config`, `${at}.config is not valid JSON (${errorMessage(e)})`);
            config = null;
          }
        }
        const out: VariantInput = { key: v.key.trim(), name: v.name.trim(), weight: weight ?? 0 };
        if (!locked('variants[].config')) out.config = config;
        return out;
      });
      const coverage = number(draft.coverage, 'coverage', p, { required: false });
      const windowDays = number(draft.attributionWindowDays, 'attributionWindowDays', p, { required: false, integer: true });
      const mde = number(draft.minimumDetectableEffect, 'minimumDetectableEffect', p, { required: false });
      let endDate: string | null = null;
      if (draft.endDate.trim() !== '') {
        const d = new Date(draft.endDate);
        if (Number.isNaN(d.getTime())) p.add('endDate', 'endDate is not a date and time');
        else endDate = d.toISOString();
      }
      if (list.length) return { problems: list };
      const description = draft.description.trim() === '' ? null : draft.description;
      if (!existing) {
        const create: CreateExperimentInput = { name: draft.name, description, variants, control: draft.control };
        if (coverage !== null && coverage !== undefined) create.coverage = coverage;
        if (windowDays !== null && windowDays !== undefined) create.attributionWindowDays = windowDays;
        if (draft.currency.trim() !== '') create.currency = draft.currency.trim();
        if (mde !== null && mde !== undefined) create.minimumDetectableEffect = mde;
        if (endDate) create.endDate = endDate;
        create.autoStop = { onDecision: draft.autoStopOnDecision, onEndDate: draft.autoStopOnEndDate };
        return { create, problems: [] };
      }
      const update: UpdateExperimentInput = {
        id: existing.id,
        version: existing.version,
        name: draft.name,
        description,
        variants,
        minimumDetectableEffect: mde ?? null,
        endDate,
        autoStop: { onDecision: draft.autoStopOnDecision, onEndDate: draft.autoStopOnEndDate },
      };
      if (coverage !== null && coverage !== undefined) update.coverage = coverage;
      if (!locked('control')) update.control = draft.control;
      if (!locked('attributionWindowDays') && windowDays !== null && windowDays !== undefined) update.attributionWindowDays = windowDays;
      if (!locked('currency') && draft.currency.trim() !== '') update.currency = draft.currency.trim();
      return { update, problems: [] };
    }

    form.addEventListener('submit', (event) => {
      event.preventDefault();
      clearErrors();
      const { create, update, problems } = collect();
      if (problems.length) {
        showErrors(problems);
        return;
      }
      submit.disabled = true;
      form.setAttribute('aria-busy', 'true');
      const saving = create
        ? ctx.api.request(CreateExperimentDocument, { input: create }).then((r) => r.createExperiment)
        : ctx.api.request(UpdateExperimentDocument, { input: update! }).then((r) => r.updateExperiment);
      saving
        .then((saved) => {
          if (ctx.signal.aborted) return;
          ctx.announce(create ? `Experiment ${saved.name} created` : `Experiment ${saved.name} saved`);
          ctx.navigate(href.experiment(saved.id));
        })
        .catch((error: unknown) => {
          if (ctx.signal.aborted) return;
          if (error instanceof ApiError && error.fieldProblems.length) showErrors(error.fieldProblems);
          else if (error instanceof ApiError && error.errorType === 'ConflictError') showErrors([], `${error.message}. Reload the page to edit the current version.`);
          else showErrors([], errorMessage(error));
        })
        .finally(() => {
          submit.disabled = false;
          form.removeAttribute('aria-busy');
        });
    });
  }
}
