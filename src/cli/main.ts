// `datakluis <command>`: the operator's command line. One file per command; this only dispatches.
import { ConfigError } from '../config/env';
import { runAgreement } from './agreement.command';
import { runCredentialCreate } from './credential.command';
import { runDlq } from './dlq.command';
import { runDemo } from './demo/demo.command';
import { runEmployerCreate } from './employer.command';
import { runMail } from './mail.command';
import { runMigrate } from './migrate.command';
import { runNightly } from './nightly.command';
import { runServe } from './serve.command';
import { runUser } from './user.command';

const USAGE = `usage: datakluis <command> [options]

commands:
  migrate                                   apply database migrations (DATABASE_URL, DATABASE_SCHEMA)
  employer create --id <id> --name <name> [--vault-active]
                                            register an employer
  credential create --employer <id> --connector <id> [--label <text>]
                                            create an HR-system credential; the token is printed once
  user create --kind employer --employer <id> --login <login> --name <display name>
  user create --kind service|support --serves <id>[,<id>…] --login <login> --name <name> [--elevated]
                                            a user of the vault API; the token is printed once
  user token --login <login> [--label <text>]
                                            another token for a user (printed once)
  user tokens --login <login> | user revoke-token <token id>
                                            a user's tokens; stop one of them
  user list [--employer <id>] | user disable|enable --login <login>
  agreement show|publish                    the processing agreement's versions
  nightly [--dry-run] [--employer <id>]     the nightly processing now: place employees without absence
                                            in the vault (--dry-run: only count what would move)
  dlq list|show|reveal|replay|edit|bulk-replay|discard --as <support login> …
                                            dead letters for support staff: list [--employer
                                            --connector --code --type --status --from --to --limit
                                            --after], show <id>, reveal <id> --reason <text>,
                                            replay <id>, edit <id> --file <event.json>, bulk-replay
                                            [filters] [--dry-run] [--rate <n>], discard <id>
                                            --reason <text>
  mail list [--status <status>] [--limit <n>]
                                            the e-mail outbox: id, kind, status, attempts, last error
  mail resolve <id> --sent|--resend         settle an UNCERTAIN or FAILED mail after checking the
                                            mail server's log
  serve [ingress|consumer|api|all]          run the ingress (HTTP), the vault consumer/worker, the
                                            vault API, or all of them
  demo [--keep]                             the main job end to end on the sample messages

configuration: environment variables, see README ("Configuration").`;

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  migrate: runMigrate,
  employer: runEmployerCreate,
  credential: runCredentialCreate,
  user: runUser,
  agreement: runAgreement,
  mail: runMail,
  dlq: runDlq,
  nightly: runNightly,
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
