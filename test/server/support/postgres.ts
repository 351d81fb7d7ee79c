/**
 * A fresh PostgreSQL database per call, in the cluster `npm test` started
 * (OPENWEBIM_TEST_POSTGRES_URL) or, for a test file run alone, in a cluster of this process's own,
 * stopped when the process exits. Without PostgreSQL installed this throws, saying what to install:
 * a PostgreSQL test never skips.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startPostgres } from '../../support/services.mjs';

let cluster: Promise<string> | undefined;

function clusterUrl(): Promise<string> {
  const given = process.env.OPENWEBIM_TEST_POSTGRES_URL;
  if (given) return Promise.resolve(given);
  cluster ??= startPostgres().then((started) => {
    process.once('exit', () => started.stop());
    return started.url;
  });
  return cluster;
}

/** The URL of a new, empty database. */
export async function freshDatabase(): Promise<string> {
  const admin = await clusterUrl();
  const name = `t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}
