// The statistics engine's one error: its input cannot be analysed as sent. Like the other domain
// errors it carries an `errorType` (equal to its `name`) and collects every problem at once, each
// with the path of the field and a message that says what is wrong and what to send instead.
import { DomainError, type FieldProblem } from '../errors.ts';

export type { FieldProblem };

export class StatsInputError extends DomainError {
  override readonly errorType = 'StatsInputError';
  readonly fields: FieldProblem[];

  constructor(fields: FieldProblem[]) {
    const list = fields.length === 0 ? ['the input is invalid'] : fields.map((f) => f.message);
    super(`Invalid statistics input: ${list.join('; ')}`);
    this.name = 'StatsInputError';
    this.fields = fields;
  }

  override get errorInfo(): Record<string, unknown> {
    return { fields: this.fields };
  }
}
