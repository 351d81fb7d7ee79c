/** App keys are `org#app`, as in Agora/Easemob; each part is what may appear in a URL path. */
const partPattern = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export interface AppKeyParts {
  org: string;
  name: string;
}

/** Splits `org#app`; `undefined` for anything that is not a well-formed key. */
export function parseAppKey(key: string): AppKeyParts | undefined {
  const parts = key.split('#');
  if (parts.length !== 2) return undefined;
  const [org, name] = parts as [string, string];
  return partPattern.test(org) && partPattern.test(name) ? { org, name } : undefined;
}

export const appKeyOf = (org: string, name: string): string => `${org}#${name}`;

export const appKeyRule = 'an app key is org#app, each part 1-64 of A-Z a-z 0-9 _ - (not first)';
