// What the form says about the fields a started experiment may change, worded from the rules the
// admin Lambda applies (model/experiment-fields.ts), so the notice cannot drift from them.
import { EXPERIMENT_FIELD_RULES, fieldsEditableAfterStart } from '../../model/experiment-fields.ts';

/** "a, b and c" */
function listed(words: string[]): string {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** The notice on the form of a started experiment (`status` as the page words it, e.g. "running"). */
export function startedNotice(status: string): string {
  const labels = fieldsEditableAfterStart().map((f) => EXPERIMENT_FIELD_RULES[f].label);
  return `This experiment is ${status}: only the ${listed(labels)} can change.`;
}
