// Every /v1 request says who it is; the principal is loaded fresh, so a revoked role or a disabled
// user takes effect on the next request.
import type { NextFunction, Request, Response } from 'express';

import type { Authenticator } from '../access/authenticator';
import type { Principal } from '../access/principal';
import { ApiProblemError } from './api-error';

export function authenticate(authenticator: Authenticator) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const principal = await authenticator.authenticate(req.get('authorization'));
    if (principal === null) throw new ApiProblemError('UNAUTHENTICATED');
    res.locals.principal = principal;
    next();
  };
}

export function principalOf(res: Response): Principal {
  return res.locals.principal as Principal;
}
