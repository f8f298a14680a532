// The support web page (GET /support/): three static files, read once from src/api/support-page/
// (found from the project root, so the compiled gateway in dist/ serves the same files). The page
// holds no data itself: it asks for the user's API token and calls /v1/support/dead-letters with
// it. Its own Content-Security-Policy allows scripts, styles and requests from this origin only
// (no inline code, no other site); everything else keeps the API's strict headers.
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { Router } from 'express';
import type { NextFunction, Request, Response } from 'express';

import { projectRoot } from '../shared/project-root';

export const SUPPORT_PAGE_DIR = path.join(projectRoot(), 'src/api/support-page');

const FILES = [
  { route: '/support/', file: 'index.html', type: 'text/html; charset=utf-8' },
  { route: '/support/support.js', file: 'support.js', type: 'text/javascript; charset=utf-8' },
  { route: '/support/support.css', file: 'support.css', type: 'text/css; charset=utf-8' },
] as const;

export const SUPPORT_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  // data: for the empty icon link only (no /favicon.ico request); images cannot run script.
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function pageHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Content-Security-Policy', SUPPORT_PAGE_CSP);
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  next();
}

export function createSupportPageRouter(): Router {
  const router = Router();
  router.use('/support', pageHeaders);
  for (const { route, file, type } of FILES) {
    const content = readFileSync(path.join(SUPPORT_PAGE_DIR, file));
    router.get(route, (_req, res) => {
      res.status(200).type(type).send(content);
    });
  }
  return router;
}
