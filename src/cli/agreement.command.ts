// `datakluis agreement <show|publish>`: the processing agreement's versions. Publishing a new
// version asks every employer to accept again (their vault stays active meanwhile).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { withDatabase } from '../app/wiring';
import { parseEnv } from '../config/env';

const USAGE = `usage:
  datakluis agreement show
  datakluis agreement publish --title <title> --file <text file>`;

export async function runAgreement(args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { title: { type: 'string' }, file: { type: 'string' } },
  });
  if (positionals[0] === 'show')
    return withDatabase(parseEnv(), async (db) => {
      const current = await db.agreementVersion.findFirst({ orderBy: { version: 'desc' } });
      if (current === null) {
        console.log('no agreement published');
        return 1;
      }
      const accepted = await db.agreementAcceptance.count({ where: { version: current.version } });
      console.log(`version ${current.version}: ${current.title}`);
      console.log(
        `published ${current.publishedAt.toISOString()}; accepted by ${accepted} employer(s)`,
      );
      console.log('');
      console.log(current.body);
      return 0;
    });
  if (positionals[0] !== 'publish' || values.title === undefined || values.file === undefined) {
    console.error(USAGE);
    return 2;
  }
  const body = readFileSync(values.file, 'utf8').trim();
  if (body.length < 100) {
    console.error('the agreement text is shorter than 100 characters; is this the right file?');
    return 1;
  }
  const title = values.title;
  return withDatabase(parseEnv(), async (db) => {
    const version = await db.$transaction(async (tx) => {
      // Versions are numbered without gaps, one publisher at a time.
      await tx.$executeRaw`LOCK TABLE agreement_versions IN EXCLUSIVE MODE`;
      const latest = await tx.agreementVersion.aggregate({ _max: { version: true } });
      const next = (latest._max.version ?? 0) + 1;
      await tx.agreementVersion.create({ data: { version: next, title, body } });
      return next;
    });
    console.log(`published version ${version}; every employer must accept it again`);
    return 0;
  });
}
