// Errors of the referral-event path; each errorType is what a client sees.
import { DomainError } from '../domain/errors.ts';

export class SelfReferralError extends DomainError {
  override readonly errorType = 'SelfReferral';
  constructor(userId: string) {
    super(`User ${userId} cannot sign up with their own referral code`);
    this.name = 'SelfReferral';
  }
}

export class UnknownCodeError extends DomainError {
  override readonly errorType = 'UnknownCode';
  constructor(code: string) {
    super(`Referral code ${code} does not exist: check the code the app received from referralCode`);
    this.name = 'UnknownCode';
  }
}

export class OutsideRunningWindowError extends DomainError {
  override readonly errorType = 'OutsideRunningWindow';
  /** `detail` replaces the default explanation (the experiment's status). */
  constructor(experimentId: string, status: string, detail?: string) {
    super(`Experiment ${experimentId} ${detail ?? `is ${status}`}: signups are only accepted while it is RUNNING`);
    this.name = 'OutsideRunningWindow';
  }
}
