/**
 * Shape checks for JSON bodies and query strings: the route learns the fields' types, the domain
 * their rules.
 */
import { invalid } from '../domain/errors.js';

export type JsonObject = Record<string, unknown>;

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

/** A string that must be there, though it may be empty (`''` clears an announcement). */
export function presentString(body: JsonObject, name: string): string {
  const value = optionalString(body, name);
  if (value === undefined) throw invalid(`${name} is required (a string; '' clears it)`);
  return value;
}

/** A list of usernames, at most `max`; `[]` when absent or null (the domain says when one is needed). */
export function usernameList(body: JsonObject, name: string, max: number): string[] {
  const value = body[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((entry) => typeof entry === 'string')) {
    throw invalid(`${name} must be an array of usernames`);
  }
  if (value.length > max) throw invalid(`${name} may name at most ${max} users`);
  return value as string[];
}

/** `undefined` when absent or null; a number (its range is the domain's); anything else is refused. */
export function optionalNumber(body: JsonObject, name: string): number | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number') throw invalid(`${name} must be a number`);
  return value;
}

/** `undefined` when absent or null; `true` or `false`; anything else is refused. */
export function optionalBoolean(body: JsonObject, name: string): boolean | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalid(`${name} must be true or false`);
  return value;
}

export function requiredBoolean(body: JsonObject, name: string): boolean {
  const value = optionalBoolean(body, name);
  if (value === undefined) throw invalid(`${name} is required: true or false`);
  return value;
}

/**
 * A positive integer query parameter from 1 to `max`; `fallback` when absent or empty. A repeated
 * parameter (an array) is refused like any other bad value.
 */
export function positiveParam(
  query: Record<string, unknown>,
  name: string,
  fallback: number,
  max: number,
): number {
  const raw = query[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || value < 1 || value > max) {
    throw invalid(`${name} must be an integer from 1 to ${max}`);
  }
  return value;
}
