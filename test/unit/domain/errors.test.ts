import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  DomainError,
  FrozenFieldError,
  InvalidStateError,
  NotFoundError,
  ValidationError,
  isDomainError,
} from '../../../lambdas/domain/errors.ts';

describe('domain errors', () => {
  const cases: [DomainError, string][] = [
    [new ValidationError([{ field: 'name', message: 'name is empty: give it a name' }]), 'ValidationError'],
    [new ConflictError('exp-1', 1, 2), 'ConflictError'],
    [new FrozenFieldError([{ field: 'salt', message: 'salt cannot change' }]), 'FrozenFieldError'],
    [new InvalidStateError('nope', 'STOPPED'), 'InvalidStateError'],
    [new NotFoundError('experiment', 'exp-9'), 'NotFoundError'],
  ];

  it.each(cases)('%s has errorType and name %s', (error, errorType) => {
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(DomainError);
    expect(error.errorType).toBe(errorType);
    expect(error.name).toBe(errorType);
    expect(isDomainError(error)).toBe(true);
    expect(error.message).not.toBe('');
  });

  it('messages say what to do', () => {
    expect(new ValidationError([{ field: 'name', message: 'name is empty: give it a name' }], 'Cannot create the experiment').message).toBe(
      'Cannot create the experiment: name is empty: give it a name',
    );
    expect(new NotFoundError('experiment', 'exp-9').message).toBe('experiment exp-9 was not found: check the id');
    expect(new ConflictError('exp-1', 3, 4).message).toBe(
      'experiment exp-1 was changed by someone else: you sent version 3, current is 4; reload and retry',
    );
  });

  it('isDomainError recognises a copy from another bundle by errorType, and nothing else', () => {
    const foreign = Object.assign(new Error('x'), { errorType: 'ConflictError' });
    expect(isDomainError(foreign)).toBe(true);
    expect(isDomainError(Object.assign(new Error('x'), { errorType: 'Unauthorized' }))).toBe(false);
    expect(isDomainError(new Error('x'))).toBe(false);
    expect(isDomainError({ errorType: 'ValidationError', message: 'x' })).toBe(false);
    expect(isDomainError(undefined)).toBe(false);
  });
});
