let counter = 0;

/** `n` random decimal digits, from the platform's CSPRNG when there is one. */
export function randomDigits(n: number): string {
  const crypto = globalThis.crypto;
  let digits = '';
  while (digits.length < n) {
    const word = crypto ? crypto.getRandomValues(new Uint32Array(1))[0]! : Math.random() * 2 ** 32;
    digits += String(Math.floor(word) % 1e9).padStart(9, '0');
  }
  return digits.slice(0, n);
}

/**
 * A message id unique across tabs and devices: the time, a per-page counter (ids made in the same
 * millisecond by this page differ) and random digits (ids made in the same millisecond by other
 * tabs differ). Digits only, like the ids of the 3.x/4.x SDKs, and ordered by time.
 */
export function getUniqueId(): string {
  counter = (counter + 1) % 1000;
  return `${Date.now()}${String(counter).padStart(3, '0')}${randomDigits(6)}`;
}
