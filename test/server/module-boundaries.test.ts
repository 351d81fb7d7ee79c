// Issue 10's "one door to the bus": fan-out goes through server/bus/ (fanout.ts), the pub/sub
// behind it (bus.ts, local-bus.ts, redis-bus.ts) is reached from nowhere else, and the REST routes
// (server/http) and the WebSocket gateway (server/gateway) never import each other. Read from the
// sources' import statements, type-only imports included.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const server = join(root, 'server');

async function sources(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await sources(path)));
    else if (entry.name.endsWith('.ts')) files.push(path);
  }
  return files;
}

/** Each relative import of `file`, resolved to a path under the repository. */
async function importsOf(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8');
  const specifiers = [...text.matchAll(/\b(?:from|import)\s*\(?\s*'(\.[^']+)'/g)];
  return specifiers.map((match) =>
    relative(root, resolve(dirname(file), match[1]!.replace(/\.js$/, '.ts'))),
  );
}

async function crossings(from: string, to: string): Promise<string[]> {
  const found: string[] = [];
  for (const file of await sources(join(server, from))) {
    for (const target of await importsOf(file)) {
      if (target.startsWith(`server/${to}/`)) found.push(`${relative(root, file)} → ${target}`);
    }
  }
  return found;
}

describe('server module boundaries', () => {
  it('finds the imports it checks (a fixed point: the gateway imports the bus door)', async () => {
    const imports = await importsOf(join(server, 'gateway', 'session.ts'));
    assert.ok(imports.includes('server/bus/fanout.ts'), imports.join(', '));
  });

  it('keeps server/http and server/gateway from importing each other', async () => {
    assert.deepEqual(await crossings('http', 'gateway'), []);
    assert.deepEqual(await crossings('gateway', 'http'), []);
  });

  it('reaches the pub/sub only through server/bus (fanout.ts is the door)', async () => {
    const inner = ['server/bus/bus.ts', 'server/bus/local-bus.ts', 'server/bus/redis-bus.ts'];
    const found: string[] = [];
    for (const file of await sources(server)) {
      if (relative(root, file).startsWith('server/bus/')) continue;
      for (const target of await importsOf(file)) {
        if (inner.includes(target)) found.push(`${relative(root, file)} → ${target}`);
      }
    }
    assert.deepEqual(found, []);
  });
});
