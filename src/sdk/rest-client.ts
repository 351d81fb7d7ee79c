/**
 * One REST request. A failure rejects with the classic SDK's shape, `{type: 17, data: responseText}`,
 * so code written for it (`JSON.parse(err.data).error === 'duplicate_unique_property_exists'`) runs
 * unchanged. Network-level failures (no answer at all) reject with the same shape and an empty
 * `data`; {@link isNetworkError} tells them apart, because only they justify trying another host.
 */
export interface AjaxError {
  type: number;
  data: string;
  message?: string;
}

const TIMEOUT_MS = 15_000;
const networkErrors = new WeakSet<object>();

export const isNetworkError = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && networkErrors.has(error);

export interface RequestOptions {
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
}

export async function request<T>(
  method: string,
  url: string,
  { body, token, headers = {} }: RequestOptions = {},
): Promise<T> {
  const init: RequestInit = {
    method,
    headers: {
      Accept: 'application/json',
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body === undefined || typeof body === 'string' ? (body ?? null) : JSON.stringify(body),
    signal: AbortSignal.timeout?.(TIMEOUT_MS),
  };
  let status = 0;
  let text = '';
  try {
    const response = await fetch(url, init);
    status = response.status;
    text = await response.text();
  } catch {
    // No HTTP answer: refused, reset, DNS, CORS or timeout.
    const error: AjaxError = { type: 17, data: text };
    networkErrors.add(error);
    throw error;
  }
  const failure: AjaxError = { type: 17, data: text };
  if (status < 200 || status > 299) throw failure;
  try {
    return (text ? JSON.parse(text) : {}) as T;
  } catch {
    throw failure;
  }
}
