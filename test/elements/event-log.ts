// Records the chat events an element fires, to check that they fire on user action and only then.
export const chatEvents = [
  'chat-login',
  'chat-register',
  'chat-request-logout',
  'chat-open-change',
  'chat-conversation-select',
  'chat-send',
] as const;

export function eventLog(target: EventTarget): Event[] {
  const log: Event[] = [];
  for (const name of chatEvents) target.addEventListener(name, (event) => log.push(event));
  return log;
}

/** The next `type` event on `target`, typed by the elements' `HTMLElementEventMap` entries. */
export function nextEvent<K extends (typeof chatEvents)[number]>(
  target: EventTarget,
  type: K,
): Promise<HTMLElementEventMap[K]> {
  return new Promise((resolve) =>
    target.addEventListener(type, (event) => resolve(event as HTMLElementEventMap[K]), {
      once: true,
    }),
  );
}
