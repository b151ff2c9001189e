// Input checks for record* mutations: everything is checked before anything is read or written.
import { ValidationError, type FieldProblem } from '../domain/errors.ts';
import { MAX_ID_LENGTH } from '../shared/args.ts';

const EVENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const CODE = /^[A-Z0-9]{4,16}$/;
const CURRENCY = /^[A-Z]{3}$/;

export function checkEventId(value: unknown, problems: FieldProblem[]): void {
  if (typeof value !== 'string' || !EVENT_ID.test(value)) {
    problems.push({
      field: 'input.eventId',
      message: 'input.eventId must be 1-128 characters of letters, digits, ".", "_", ":" or "-" (a UUID works)',
    });
  }
}

export function checkCode(value: unknown, problems: FieldProblem[]): void {
  if (typeof value !== 'string' || !CODE.test(value)) {
    problems.push({ field: 'input.code', message: 'input.code must be a referral code: 4-16 capital letters or digits' });
  }
}

export function checkId(value: unknown, field: string, problems: FieldProblem[]): void {
  if (typeof value !== 'string' || value.trim().length === 0 || value.length > MAX_ID_LENGTH || value.trim() !== value) {
    problems.push({ field, message: `${field} must be 1-${MAX_ID_LENGTH} characters without surrounding spaces` });
  }
}

export function checkOccurredAt(value: unknown, problems: FieldProblem[]): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
    problems.push({ field: 'input.occurredAt', message: 'input.occurredAt must be an ISO 8601 date-time' });
  }
}

export function checkMoney(value: unknown, currency: unknown, problems: FieldProblem[]): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1e9) {
    problems.push({ field: 'input.value', message: 'input.value must be a number from 0 to 1,000,000,000' });
  }
  if (typeof currency !== 'string' || !CURRENCY.test(currency)) {
    problems.push({ field: 'input.currency', message: 'input.currency must be an ISO 4217 code such as USD or EUR' });
  }
}

export function throwIfAny(problems: FieldProblem[]): void {
  if (problems.length) throw new ValidationError(problems, 'Invalid event');
}
