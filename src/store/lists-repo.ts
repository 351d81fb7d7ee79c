/**
 * The social lists of a user's database (contacts, requests, blocklist, groups and their members,
 * invitations, rooms, notices said), each stored whole under its key (see `SocialLists` in
 * `database.ts`). One transaction per function.
 */
import type { ListKey, ListOf, StoredContact, UserDatabase } from './database.js';

export async function readList<K extends ListKey>(db: UserDatabase, key: K): Promise<ListOf<K>> {
  return ((await db.get('lists', key)) ?? []) as ListOf<K>;
}

/**
 * Changes one list in one transaction: `change` gets the stored list and returns the new one, or
 * `undefined` to leave it alone (so an event applied twice writes nothing the second time). An
 * empty list is deleted rather than stored. Returns whether anything was written.
 */
export async function updateList<K extends ListKey>(
  db: UserDatabase,
  key: K,
  change: (list: ListOf<K>) => ListOf<K> | undefined,
): Promise<boolean> {
  const tx = db.transaction('lists', 'readwrite');
  const next = change(((await tx.store.get(key)) ?? []) as ListOf<K>);
  if (next) await (next.length ? tx.store.put(next, key) : tx.store.delete(key));
  await tx.done;
  return next !== undefined;
}

/** Nicknames the lists know (contacts, members of the groups read), by username. */
export async function readNicknames(db: UserDatabase): Promise<Map<string, string>> {
  const tx = db.transaction('lists');
  const [contacts, members] = await Promise.all([
    tx.store.get('contacts'),
    tx.store.getAll(IDBKeyRange.bound('members:', 'members:\uffff')),
  ]);
  const names = new Map<string, string>();
  for (const entry of [...(contacts ?? []), ...members].flat() as StoredContact[])
    if (entry.nickname) names.set(entry.username, entry.nickname);
  return names;
}
