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

const HELP = new Set(['--help', '-h', 'help']);

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name !== undefined && HELP.has(name)) {
    console.log(USAGE);
    return 0;
  }
  const command = name === undefined ? undefined : COMMANDS[name];
  if (command === undefined) {
    if (name !== undefined) console.error(`unknown command: ${name}\n`);
    console.error(USAGE);
    return 2;
  }
  if (args.some((arg) => HELP.has(arg))) {
    console.log(USAGE);
    return 0;
  }
  try {
    return await command(args);
  } catch (error) {
    if (error instanceof ConfigError) console.error(error.message);
    else if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') === true) {
      console.error(
        `datakluis ${name}: ${(error as Error).message.split('.')[0]}; see datakluis --help`,
      );
      return 2;
    } else console.error(`datakluis ${name}: ${(error as Error).message}`);
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
