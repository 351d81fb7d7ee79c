/**
 * RxJS's ES2015 build (the one we ship, vite.config.ts) runs its two async functions through
 * tslib's helpers (`__awaiter`, `__asyncValues`, `__asyncGenerator`, `__await`): 1.8 KB of the
 * elements chunk, for turning an async iterable or a ReadableStream into an Observable, which no
 * code of ours does. Our target (ES2022) has `for await` and async generators, so the two functions
 * become what RxJS's own TypeScript source says (src/internal/observable/innerFrom.ts,
 * src/internal/util/isReadableStreamLike.ts), and tslib leaves the bundle. A RxJS whose files no
 * longer read as expected fails the build here rather than keep tslib silently.
 */
import type { Plugin } from 'vite';

const rewrites: Record<string, { from: RegExp; to: string }> = {
  '/rxjs/dist/esm/internal/observable/innerFrom.js': {
    from: /function process\(asyncIterable, subscriber\) \{[^]*?\n\}\n/,
    to: `async function process(asyncIterable, subscriber) {
    for await (const value of asyncIterable) {
        subscriber.next(value);
        if (subscriber.closed) return;
    }
    subscriber.complete();
}
`,
  },
  '/rxjs/dist/esm/internal/util/isReadableStreamLike.js': {
    from: /export function readableStreamLikeToAsyncGenerator\(readableStream\) \{[^]*?\n\}\n/,
    to: `export async function* readableStreamLikeToAsyncGenerator(readableStream) {
    const reader = readableStream.getReader();
    try {
        while (true) {
            const { value, done } = await reader.read();
            if (done) return;
            yield value;
        }
    } finally {
        reader.releaseLock();
    }
}
`,
  },
};

/** `code` of the RxJS module `id` with its async function native; `undefined` for other modules. */
export function nativeAsync(code: string, id: string): string | undefined {
  const file = Object.keys(rewrites).find((name) => id.replaceAll('\\', '/').endsWith(name));
  if (!file) return undefined;
  const { from, to } = rewrites[file]!;
  const out = code.replace(/^import \{[^}]*\} from "tslib";\n/m, '').replace(from, to);
  if (!from.test(code) || out.includes('tslib') || out.includes('__a'))
    throw new Error(`${id} is not the RxJS build/rxjs-native-async.ts expects: update it`);
  return out;
}

export function rxjsNativeAsync(): Plugin {
  return {
    name: 'openwebim:rxjs-native-async',
    apply: 'build',
    transform: (code, id) => nativeAsync(code, id),
  };
}
