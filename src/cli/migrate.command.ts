import { adviceFor, checkPostgres } from '../app/preflight';
import { parseEnv } from '../config/env';
import { migrate } from '../db/migrate';

export async function runMigrate(): Promise<number> {
  const config = parseEnv();
  const unreachable = await checkPostgres(config.databaseUrl);
  if (unreachable !== null) {
    console.error(`${unreachable}\n${adviceFor([unreachable])}`);
    return 1;
  }
  const result = await migrate({
    url: config.databaseUrl,
    schema: config.databaseSchema,
    onProgress: (line) => console.log(line),
  });
  console.log(
    `schema ${config.databaseSchema}: ${result.applied.length} applied, ${result.alreadyApplied.length} already applied`,
  );
  return 0;
}
