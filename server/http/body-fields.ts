/** Shape checks for JSON bodies: the route learns the fields' types, the domain their rules. */
import { DomainError, Failures } from '../domain/errors.js';

export type JsonObject = Record<string, unknown>;

const invalid = (description: string) => new DomainError(Failures.invalidArgument, description);

export function jsonObject(body: unknown): JsonObject {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid('the request body must be a JSON object');
  }
  return body as JsonObject;
}

/** `undefined` when absent or null; a string; anything else is refused. */
export function optionalString(body: JsonObject, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(`${name} must be a string`);
  return value;
}

export function requiredString(body: JsonObject, name: string): string {
  const value = optionalString(body, name);
  if (value === undefined || value === '') throw invalid(`${name} is required`);
  return value;
}
