// Until their employer has accepted the current processing agreement, employer users get
// AGREEMENT_REQUIRED on every call except reading and accepting it (those routes are mounted before
// this gate). Staff are not asked: the agreement is the employer's.
import type { NextFunction, Request, Response } from 'express';

import type { AgreementService } from '../vault/agreement.service';
import { VaultRefusal } from '../vault/vault-refusal';
import { principalOf } from './authenticate.middleware';

export function agreementGate(agreements: AgreementService) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const user = principalOf(res);
    const employerId = req.params.employerId;
    if (user.kind === 'EMPLOYER_USER' && user.employerId === employerId) {
      const status = await agreements.status(employerId);
      if (status?.acceptanceRequired === true)
        throw new VaultRefusal(
          'AGREEMENT_REQUIRED',
          `Your employer has not accepted version ${status.currentVersion} of the processing agreement yet. Read it at GET /v1/employers/${employerId}/agreement and accept it at POST /v1/employers/${employerId}/agreement/acceptances.`,
        );
    }
    next();
  };
}
