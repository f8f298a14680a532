// The OpenAPI document and the app agree: every route the app serves is documented and every
// documented operation is served. (The integration tests check each real answer against the
// document; this checks that nothing is left out of it.)
import { expect } from 'chai';

import type { Authenticator } from '../../../src/access/authenticator';
import { VAULT_API_DOCUMENT } from '../../../src/api/contract';
import { createVaultApi } from '../../../src/api/create-vault-api';
import type { VaultApiDeps } from '../../../src/api/vault-api.deps';
import { createLogger } from '../../../src/shared/logger';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

function routesOf(stack: Layer[]): string[] {
  return stack.flatMap((layer) => {
    if (layer.route !== undefined)
      return Object.keys(layer.route.methods).map(
        (method) => `${method.toUpperCase()} ${layer.route!.path.replace(/:(\w+)/g, '{$1}')}`,
      );
    return layer.handle?.stack === undefined ? [] : routesOf(layer.handle.stack);
  });
}

const unused = new Proxy({}, { get: () => () => Promise.reject(new Error('not in this test')) });

describe('the vault API contract', () => {
  const app = createVaultApi({
    logger: createLogger({ level: 'error', console: false }),
    authenticator: unused as Authenticator,
    agreements: unused,
    admin: unused,
    dossiers: unused,
    sharing: unused,
    audit: unused,
    deadLetters: unused,
    displayNameOf: () => Promise.resolve(''),
    isReady: () => Promise.resolve({ ready: true }),
  } as unknown as VaultApiDeps);
  // The support web page's static files (GET /support/…: HTML, JS and CSS for people, not API
  // operations) are left out of the contract; the e2e test test/e2e/support-page.e2e.test.ts
  // covers them. Everything else the app serves must be documented.
  const routes = routesOf((app as unknown as { router: { stack: Layer[] } }).router.stack);
  const isSupportPage = (route: string): boolean => route.startsWith('GET /support/');
  const served = routes.filter((route) => !isSupportPage(route));
  const documented = Object.entries(
    (VAULT_API_DOCUMENT as { paths: Record<string, Record<string, unknown>> }).paths,
  ).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((key) => ['get', 'post', 'put', 'delete', 'patch'].includes(key))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );

  it('documents every route the app serves', () => {
    expect(served.filter((route) => !documented.includes(route))).to.deep.equal([]);
  });

  it("leaves out of the contract only the support page's three static files", () => {
    expect(routes.filter(isSupportPage).sort()).to.deep.equal([
      'GET /support/',
      'GET /support/support.css',
      'GET /support/support.js',
    ]);
  });

  it('serves every documented operation', () => {
    expect(documented.filter((route) => !served.includes(route))).to.deep.equal([]);
  });

  it('is OpenAPI 3.1 with an operation id and a 401 answer for every authenticated operation', () => {
    const document = VAULT_API_DOCUMENT as {
      openapi: string;
      paths: Record<
        string,
        Record<
          string,
          { operationId?: string; security?: unknown[]; responses: Record<string, unknown> }
        >
      >;
    };
    expect(document.openapi).to.equal('3.1.0');
    for (const [path, item] of Object.entries(document.paths))
      for (const [method, operation] of Object.entries(item)) {
        if (method === 'parameters') continue;
        expect(operation.operationId, `${method} ${path}`).to.be.a('string');
        if (operation.security === undefined)
          expect(operation.responses, `${method} ${path}`).to.have.property('401');
      }
  });
});
