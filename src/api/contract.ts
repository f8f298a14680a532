// The API contract (openapi/vault-api.v1.json) is not only documentation: request bodies and query
// parameters are validated against its schemas, so the document and the code cannot drift apart.
import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

import vaultApiDocument from '../../openapi/vault-api.v1.json';
import { toSchemaIssues } from '../canonical/schema-issues';
import type { ProblemIssue } from '../http/problem';

export const VAULT_API_DOCUMENT = vaultApiDocument as Record<string, unknown>;
const CONTRACT_ID = 'https://schemas.datakluis.nl/openapi/vault-api/v1';

function createAjv(): Ajv2020 {
  // multipleOfPrecision as in the canonical schemas: 33.33 is a multiple of 0.01.
  const ajv = new Ajv2020({
    strict: true,
    allErrors: true,
    coerceTypes: false,
    multipleOfPrecision: 9,
  });
  addFormats(ajv, ['date', 'date-time', 'uuid', 'uri']);
  ajv.addKeyword({ keyword: 'x-personal-data', schemaType: 'boolean' });
  // Only the schemas are JSON Schema; the rest of OpenAPI is not. `components` is declared as a
  // keyword so strict mode lets the schemas live at the path OpenAPI's own $refs point to.
  ajv.addKeyword({ keyword: 'components' });
  ajv.addSchema({ $id: CONTRACT_ID, components: { schemas: vaultApiDocument.components.schemas } });
  return ajv;
}

const ajv = createAjv();
const compiled = new Map<string, ValidateFunction>();

function validatorFor(schemaName: string): ValidateFunction {
  let validate = compiled.get(schemaName);
  if (validate === undefined) {
    validate = ajv.compile({ $ref: `${CONTRACT_ID}#/components/schemas/${schemaName}` });
    compiled.set(schemaName, validate);
  }
  return validate;
}

/** Problems with `value` as the named component schema; paths are JSON Pointers into the body. */
export function contractIssues(schemaName: string, value: unknown): ProblemIssue[] {
  const validate = validatorFor(schemaName);
  if (validate(value)) return [];
  return toSchemaIssues(validate.errors).map((issue) => ({
    code: issue.rule.toUpperCase(),
    path: issue.path,
    detail: issue.message,
  }));
}
