// `datakluis <command>`: the operator's command line. One file per command; this only dispatches.
import { ConfigError } from '../config/env';
import { runCredentialCreate } from './credential.command';
import { runDemo } from './demo/demo.command';
import { runEmployerCreate } from './employer.command';
import { runMigrate } from './migrate.command';
import { runServe } from './serve.command';

const USAGE = `usage: datakluis <command> [options]

commands:
  migrate                                   apply database migrations (DATABASE_URL, DATABASE_SCHEMA)
  employer create --id <id> --name <name> [--vault-active]
                                            register an employer
  credential create --employer <id> --connector <id> [--label <text>]
                                            create an HR-system credential; the token is printed once
  serve [ingress|consumer|all]              run the ingress (HTTP), the vault consumer, or both
  demo [--keep]                             the main job end to end on the sample messages

configuration: environment variables, see README ("Configuration").`;

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  migrate: runMigrate,
  employer: runEmployerCreate,
  credential: runCredentialCreate,
  serve: runServe,
  demo: runDemo,
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name === undefined ? undefined : COMMANDS[name];
  if (command === undefined) {
    console.error(USAGE);
    return name === undefined || name === '--help' || name === 'help' ? 0 : 2;
  }
  try {
    return await command(args);
  } catch (error) {
    if (error instanceof ConfigError) console.error(error.message);
    else console.error(`datakluis ${name}: ${(error as Error).message}`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
