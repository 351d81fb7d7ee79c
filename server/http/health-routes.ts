/**
 * For orchestrators and load balancers: `GET /health` (liveness: the process answers) and
 * `GET /ready` (storage and bus reachable: send traffic here). Both answer JSON; `/ready` is 503
 * with what is unreachable, so a balancer stops sending clients to a process that cannot serve them.
 */
import type { FastifyInstance } from 'fastify';

export interface ReadinessChecks {
  /** Resolves when the storage answers; rejects or resolves `false` when it does not. */
  storage(): Promise<boolean>;
  bus(): Promise<boolean>;
}

/** A check that takes longer than this counts as failed (a hung database must not hang /ready). */
const CHECK_TIMEOUT_MS = 2000;

async function check(run: () => Promise<boolean>): Promise<'ok' | 'unreachable'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS);
  });
  try {
    return (await Promise.race([run(), timeout])) ? 'ok' : 'unreachable';
  } catch {
    return 'unreachable';
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(server: FastifyInstance, checks: ReadinessChecks): void {
  server.get('/health', async () => ({ status: 'ok' }));

  server.get('/ready', async (_request, reply) => {
    const [storage, bus] = await Promise.all([check(checks.storage), check(checks.bus)]);
    const ready = storage === 'ok' && bus === 'ok';
    return reply
      .code(ready ? 200 : 503)
      .send({ status: ready ? 'ready' : 'unavailable', storage, bus });
  });
}
