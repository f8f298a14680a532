import { parseEnv } from '../config/env';
import { migrate } from '../db/migrate';

export async function runMigrate(): Promise<number> {
  const config = parseEnv();
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
