// Domain errors: small named classes, each with an `errorType` string that reaches clients as the
// GraphQL error's `errorType`. `name` equals `errorType` too, because Lambda reports a thrown
// error's `name` as its errorType. Messages are written for a person: what is wrong and what to do.

/** One problem with one input field, for the dashboard to show beside that field. */
export interface FieldProblem {
  /** Path of the field in the input, e.g. `name`, `variants[1].key`, `coverage`. */
  field: string;
  message: string;
}

export abstract class DomainError extends Error {
  abstract readonly errorType: string;

  /** Structured details for AppSync's `errorInfo`; null when the message says it all. */
  get errorInfo(): Record<string, unknown> | null {
    return null;
  }
}

/** Bad input. Collects every problem found, so the user can fix them all at once. */
export class ValidationError extends DomainError {
  override readonly errorType = 'ValidationError';
  readonly fields: FieldProblem[];

  constructor(fields: FieldProblem[], summary = 'Invalid input') {
    super(fields.length === 0 ? summary : `${summary}: ${fields.map((f) => f.message).join('; ')}`);
    this.name = 'ValidationError';
    this.fields = fields;
  }

  override get errorInfo(): Record<string, unknown> {
    return { fields: this.fields };
  }
}

/** The optimistic-locking version the caller sent is not the current one. */
export class ConflictError extends DomainError {
  override readonly errorType = 'ConflictError';

  constructor(
    readonly entityId: string,
    readonly sentVersion: number,
    readonly currentVersion: number,
    entity = 'experiment',
  ) {
    super(
      `${entity} ${entityId} was changed by someone else: you sent version ${sentVersion}, ` +
        `current is ${currentVersion}; reload and retry`,
    );
    this.name = 'ConflictError';
  }

  override get errorInfo(): Record<string, unknown> {
    return { sentVersion: this.sentVersion, currentVersion: this.currentVersion };
  }
}

/** A field that may no longer change (the experiment has started). */
export class FrozenFieldError extends DomainError {
  override readonly errorType = 'FrozenFieldError';
  readonly fields: FieldProblem[];

  constructor(fields: FieldProblem[]) {
    super(fields.map((f) => f.message).join('; '));
    this.name = 'FrozenFieldError';
    this.fields = fields;
  }

  /** The names of the frozen fields the caller tried to change. */
  get field(): string {
    return this.fields.map((f) => f.field).join(', ');
  }

  override get errorInfo(): Record<string, unknown> {
    return { fields: this.fields };
  }
}

/** The operation is not allowed in the entity's current lifecycle status. */
export class InvalidStateError extends DomainError {
  override readonly errorType = 'InvalidStateError';

  constructor(
    message: string,
    readonly status: string,
    readonly allowed: readonly string[] = [],
  ) {
    super(message);
    this.name = 'InvalidStateError';
  }

  override get errorInfo(): Record<string, unknown> {
    return { status: this.status, allowed: [...this.allowed] };
  }
}

export class NotFoundError extends DomainError {
  override readonly errorType = 'NotFoundError';

  constructor(
    readonly entity: string,
    readonly entityId: string,
  ) {
    super(`${entity} ${entityId} was not found: check the id`);
    this.name = 'NotFoundError';
  }
}

export type DomainErrorType = 'ValidationError' | 'ConflictError' | 'FrozenFieldError' | 'InvalidStateError' | 'NotFoundError';

const DOMAIN_ERROR_TYPES: ReadonlySet<string> = new Set<DomainErrorType>([
  'ValidationError',
  'ConflictError',
  'FrozenFieldError',
  'InvalidStateError',
  'NotFoundError',
]);

/**
 * True for the errors above. Falls back to the `errorType` field so that an error from a second
 * copy of this module (two bundles in one process) is still recognised.
 */
export function isDomainError(e: unknown): e is DomainError {
  if (e instanceof DomainError) return true;
  if (!(e instanceof Error)) return false;
  const errorType: unknown = (e as Error & { errorType?: unknown }).errorType;
  return typeof errorType === 'string' && DOMAIN_ERROR_TYPES.has(errorType);
}
