/**
 * The REST methods of contacts, groups and chat rooms are rows of a table ({@link Route}) that the
 * connection turns into methods, one per name: written out one by one they would be sixty near
 * copies in the bundle.
 */
import type { FileContext } from './received-messages.js';
import type { AjaxError } from './rest-client.js';
import type { ErrorEvent } from './types.js';

/** What every REST method's options may carry besides its parameters (the 3.x style). */
export interface Callbacks<R> {
  success?: (result: R) => void;
  error?: (error: ErrorEvent | AjaxError) => void;
}

/** A method taking an options object. */
export type Call<O, R> = (options: O & Callbacks<R>) => Promise<R>;
/** A method whose options are all optional. */
export type Get<R, O = object> = (options?: O & Callbacks<R>) => Promise<R>;

export type RouteOptions = Record<string, unknown>;

/** What a route's result hook may use of the connection. */
export interface RouteContext {
  emit(name: string, ...args: unknown[]): void;
  appKey: string;
  /** Where the files of received messages are (their URLs follow the REST host in use). */
  files: FileContext;
}

/**
 * `[names, request, body?, result?]`: the SDKs' names of the method (space separated, 3.x first),
 * a route of the protocol's table (`'VERB /path?query'` relative to `/{org}/{app}`, see
 * {@link named}), where `{x}` is the option `x` (`{me}`: the logged-in user) and each query name is
 * sent when the option of that name is given.
 */
export type Route = [
  names: string,
  request: string,
  body?: ((options: RouteOptions) => unknown) | 0,
  result?: (response: never, context: RouteContext) => unknown,
];

/**
 * `route` (of the protocol's RestRoutes) with path parameters renamed to the option names of the
 * SDK method that uses it: `named(RestRoutes.room, {roomId: 'chatRoomId'})`.
 */
export function named(route: string, options: Record<string, string>): string {
  return route.replace(/\{(\w+)\}/g, (match, name: string) =>
    options[name] ? `{${options[name]}}` : match,
  );
}

/**
 * The paths a route's request (`'VERB /path?query'` or just the path; the verb is kept) names with
 * `values`: one, or one per element when a parameter is an array (`removeFromBlackList({name: ['a', 'b']})`). Rejects a missing parameter with -3
 * (`REQUEST_PARAMETER_ERROR`) before anything is sent.
 */
export function toPaths(request: string, values: RouteOptions): string[] {
  const [path, query] = request.split('?') as [string, string?];
  const params = new URLSearchParams();
  for (const name of query?.split('&') ?? []) {
    if (values[name] != null) params.set(name, String(values[name]));
  }
  const search = String(params) && `?${params}`;
  let list: unknown[] = [];
  const filled = path.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const value = values[name];
    if (Array.isArray(value)) list = value;
    if (value == null || value === '' || (Array.isArray(value) && !value.length)) {
      throw { type: -3, message: `${name} is required` } satisfies ErrorEvent;
    }
    return Array.isArray(value) ? '\0' : encodeURIComponent(String(value));
  });
  return list.length
    ? list.map((value) => filled.replace('\0', encodeURIComponent(String(value))) + search)
    : [filled + search];
}
