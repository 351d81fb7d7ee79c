// The directory behind chat files (server/storage/file-store.ts), on a real temporary directory:
// what is written reads back, a failed write leaves nothing, and a name is never a path.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { after, before, describe, it } from 'node:test';
import { DirectoryFileStore } from '../../server/storage/file-store.js';

let root: string;
let dir: string;
let store: DirectoryFileStore;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'openwebim-files-'));
  // Not there yet: the first write creates it.
  dir = join(root, 'chatfiles');
  store = new DirectoryFileStore(dir);
});
after(() => rm(root, { recursive: true, force: true }));

async function* chunks(...parts: string[]) {
  for (const part of parts) yield Buffer.from(part);
}

describe('DirectoryFileStore', () => {
  it('stores a stream under a name, readable by nobody else on the machine, and reads it back', async () => {
    await store.write('a1b2', chunks('hello ', 'file'));
    assert.equal(await text(store.read('a1b2')), 'hello file');
    assert.equal((await stat(dir)).mode & 0o777, 0o700);
    assert.equal((await stat(join(dir, 'a1b2'))).mode & 0o777, 0o600);
  });

  it('never writes a name twice', async () => {
    await store.write('once', chunks('first'));
    await assert.rejects(store.write('once', chunks('second')), { code: 'EEXIST' });
    assert.equal(await text(store.read('once')), 'first');
  });

  it('keeps nothing of a write whose source fails part way', async () => {
    async function* failing() {
      yield Buffer.from('partial');
      throw new Error('too large');
    }
    await assert.rejects(store.write('broken', failing()), /too large/);
    assert.ok(!(await readdir(dir)).includes('broken'));
  });

  it('removes, and says when there was nothing to remove', async () => {
    await store.write('gone', chunks('x'));
    assert.equal(await store.remove('gone'), true);
    assert.equal(await store.remove('gone'), false);
    await assert.rejects(text(store.read('gone')), { code: 'ENOENT' });
  });

  it('refuses a name that is a path', async () => {
    for (const name of ['../escape', 'a/b', '', '.hidden', '..']) {
      await assert.rejects(store.write(name, chunks('x')), /not a file name of ours/);
      assert.throws(() => store.read(name), /not a file name of ours/);
      await assert.rejects(store.remove(name), /not a file name of ours/);
    }
    assert.deepEqual((await readdir(root)).sort(), ['chatfiles']);
  });
});
