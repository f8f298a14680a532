// Proves that the SQL migrations and prisma/schema.prisma describe the same database: we apply the
// SQL ourselves (Prisma's schema engine cannot be downloaded here), so nothing else would notice a
// drift. Prisma's own schema parser (WASM) reads schema.prisma; PostgreSQL's catalogue is read from
// a freshly migrated schema.
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { get_dmmf } from '@prisma/prisma-schema-wasm';
import { expect } from 'chai';
import { Client } from 'pg';

import { getTestEnvironment } from '../helpers/test-environment';

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'enum' | 'object';
  type: string;
  isRequired: boolean;
  isList: boolean;
  hasDefaultValue: boolean;
  nativeType: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}
interface Dmmf {
  datamodel: {
    models: DmmfModel[];
    enums: { name: string; values: { name: string }[] }[];
    indexes: {
      model: string;
      type: 'id' | 'unique' | 'normal' | 'fulltext';
      fields: { name: string }[];
    }[];
  };
}

const dmmf = JSON.parse(
  get_dmmf(
    JSON.stringify({
      prismaSchema: readFileSync(path.resolve(__dirname, '../../prisma/schema.prisma'), 'utf8'),
    }),
  ),
) as Dmmf;
const models = dmmf.datamodel.models;
const tableOf = (model: DmmfModel): string => model.dbName ?? model.name;
const columnOf = (field: DmmfField): string => field.dbName ?? field.name;
const modelByName = (name: string): DmmfModel => models.find((m) => m.name === name)!;

/** The PostgreSQL type Prisma maps a field to (udt_name plus precision where it matters). */
function expectedType(field: DmmfField): string {
  if (field.kind === 'enum') return field.type;
  const native = field.nativeType?.[0];
  if (native === 'Uuid') return 'uuid';
  if (native === 'Date') return 'date';
  if (native === 'Timestamptz') return `timestamptz(${field.nativeType?.[1][0] ?? '6'})`;
  if (native === 'Decimal') return `numeric(${field.nativeType?.[1].join(',')})`;
  const byType: Record<string, string> = {
    String: 'text',
    Boolean: 'bool',
    Int: 'int4',
    BigInt: 'int8',
    Bytes: 'bytea',
    Json: 'jsonb',
    DateTime: 'timestamp(3)',
    Decimal: 'numeric(65,30)',
  };
  return byType[field.type] ?? `unmapped:${field.type}`;
}

describe('schema.prisma and the SQL migrations agree', function () {
  this.timeout(30000);
  let client: Client;
  let schema: string;

  before(async () => {
    const { config } = await getTestEnvironment();
    schema = config.databaseSchema;
    client = new Client({ connectionString: config.databaseUrl });
    await client.connect();
  });
  after(() => client?.end());

  it('has the same tables', async () => {
    const { rows } = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name <> '_prisma_migrations'`,
      [schema],
    );
    expect(rows.map((r) => r.table_name).sort()).to.deep.equal(models.map(tableOf).sort());
  });

  it('has the same columns, types, nullability and defaults', async () => {
    const { rows } = await client.query<{
      table_name: string;
      column_name: string;
      udt_name: string;
      is_nullable: string;
      column_default: string | null;
      numeric_precision: number | null;
      numeric_scale: number | null;
      datetime_precision: number | null;
    }>(
      `SELECT table_name, column_name, udt_name, is_nullable, column_default, numeric_precision, numeric_scale, datetime_precision
       FROM information_schema.columns WHERE table_schema = $1 AND table_name <> '_prisma_migrations'`,
      [schema],
    );
    const actual = rows
      .map((r) => {
        const type =
          r.udt_name === 'numeric'
            ? `numeric(${r.numeric_precision},${r.numeric_scale})`
            : r.udt_name.startsWith('timestamp')
              ? `${r.udt_name}(${r.datetime_precision})`
              : r.udt_name;
        return `${r.table_name}.${r.column_name} ${type} ${r.is_nullable === 'YES' ? 'null' : 'not null'} ${r.column_default === null ? 'no-default' : 'default'}`;
      })
      .sort();
    const expected = models
      .flatMap((model) =>
        model.fields
          .filter((f) => f.kind !== 'object')
          .map(
            (f) =>
              `${tableOf(model)}.${columnOf(f)} ${expectedType(f)} ${f.isRequired ? 'not null' : 'null'} ${f.hasDefaultValue ? 'default' : 'no-default'}`,
          ),
      )
      .sort();
    expect(actual).to.deep.equal(expected);
  });

  it('has the same enums with the same values in the same order', async () => {
    const { rows } = await client.query<{ typname: string; labels: string[] }>(
      `SELECT t.typname, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE n.nspname = $1 GROUP BY t.typname`,
      [schema],
    );
    const actual = Object.fromEntries(rows.map((r) => [r.typname, r.labels]));
    const expected = Object.fromEntries(
      dmmf.datamodel.enums.map((e) => [e.name, e.values.map((v) => v.name)]),
    );
    expect(actual).to.deep.equal(expected);
  });

  it('has the same primary keys, unique and plain indexes, and no others', async () => {
    const { rows } = await client.query<{
      table_name: string;
      is_primary: boolean;
      is_unique: boolean;
      columns: string[];
    }>(
      `SELECT c.relname AS table_name, i.indisprimary AS is_primary, i.indisunique AS is_unique,
              array_agg(a.attname::text ORDER BY k.ord) AS columns
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON true
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
       WHERE n.nspname = $1 AND c.relname <> '_prisma_migrations'
       GROUP BY c.relname, i.indexrelid, i.indisprimary, i.indisunique`,
      [schema],
    );
    const kind = (primary: boolean, unique: boolean): string =>
      primary ? 'id' : unique ? 'unique' : 'normal';
    const actual = rows
      .map((r) => `${r.table_name} ${kind(r.is_primary, r.is_unique)} (${r.columns.join(',')})`)
      .sort();
    const expected = dmmf.datamodel.indexes
      .map((index) => {
        const model = modelByName(index.model);
        const columns = index.fields.map((f) =>
          columnOf(model.fields.find((field) => field.name === f.name)!),
        );
        return `${tableOf(model)} ${index.type} (${columns.join(',')})`;
      })
      .sort();
    expect(actual).to.deep.equal(expected);
  });

  it('has the same foreign keys with the same delete rules', async () => {
    const { rows } = await client.query<{
      table_name: string;
      columns: string[];
      ref_table: string;
      ref_columns: string[];
      on_delete: string;
    }>(
      `SELECT c.relname AS table_name, r.relname AS ref_table,
              (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(con.conkey) WITH ORDINALITY k(n, ord) JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n) AS columns,
              (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(con.confkey) WITH ORDINALITY k(n, ord) JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n) AS ref_columns,
              con.confdeltype AS on_delete
       FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_class r ON r.oid = con.confrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace WHERE con.contype = 'f' AND n.nspname = $1`,
      [schema],
    );
    const deleteRule: Record<string, string> = {
      r: 'Restrict',
      c: 'Cascade',
      n: 'SetNull',
      a: 'NoAction',
      d: 'SetDefault',
    };
    const actual = rows
      .map(
        (r) =>
          `${r.table_name}(${r.columns.join(',')}) -> ${r.ref_table}(${r.ref_columns.join(',')}) on delete ${deleteRule[r.on_delete]}`,
      )
      .sort();
    const expected = models
      .flatMap((model) =>
        model.fields
          .filter((f) => f.kind === 'object' && (f.relationFromFields?.length ?? 0) > 0)
          .map((f) => {
            const target = modelByName(f.type);
            const from = f.relationFromFields!.map((name) =>
              columnOf(model.fields.find((x) => x.name === name)!),
            );
            const to = f.relationToFields!.map((name) =>
              columnOf(target.fields.find((x) => x.name === name)!),
            );
            return `${tableOf(model)}(${from.join(',')}) -> ${tableOf(target)}(${to.join(',')}) on delete ${f.relationOnDelete ?? 'Restrict'}`;
          }),
      )
      .sort();
    expect(actual).to.deep.equal(expected);
  });
});
