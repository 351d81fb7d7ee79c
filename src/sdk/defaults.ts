/**
 * Page-wide defaults, read when a request is made (never at import). The classic script
 * (`src/sdk-script.ts`) sets `apiUrl` to the origin it was loaded from, so seed code that passes no
 * `apiUrl` talks to the server that served the script; without it, `location.origin` is used.
 */
export const defaults: { apiUrl?: string } = {};
