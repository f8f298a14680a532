// One Ajv instance for every contract in schemas/, compiled once at load so a broken $ref fails at
// start-up, not on a request. Strict mode, formats, no coercion, no removal of extra properties.
import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

import absenceEventSchema from '../../schemas/canonical/absence-event.v1.schema.json';
import dossierSharedSchema from '../../schemas/canonical/dossier-shared.v1.schema.json';
import manifestSchema from '../../schemas/connector-manifest.schema.json';

/** The custom keyword that marks a property as identifying a person. */
export const PERSONAL_DATA_KEYWORD = 'x-personal-data';

function createAjv(): Ajv2020 {
  const ajv = new Ajv2020({
    strict: true,
    strictRequired: false,
    allErrors: true,
    discriminator: true,
    multipleOfPrecision: 9,
  });
  addFormats(ajv, ['date', 'date-time', 'uuid', 'email', 'uri']);
  ajv.addKeyword({ keyword: PERSONAL_DATA_KEYWORD, schemaType: 'boolean' });
  // Read only by json-schema-to-typescript when generating types.
  ajv.addKeyword({ keyword: 'tsType', schemaType: 'string' });
  return ajv;
}

const ajv = createAjv();

export const canonicalEventSchema = absenceEventSchema as Record<string, unknown>;
export const validateCanonicalSchema: ValidateFunction = ajv.compile(absenceEventSchema);
export const validateDossierSharedSchema: ValidateFunction = ajv.compile(dossierSharedSchema);
export const validateManifestSchema: ValidateFunction = ajv.compile(manifestSchema);
