/** `1.2 MB`, `340 kB`, `12 byte`: sizes in SI units, as file managers show them, in `locale`. */
export function humanSize(bytes: number, locale = 'en'): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'];
  let i = 0;
  let n = bytes;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i += 1;
  }
  const digits = i && n < 10 ? 1 : 0;
  return new Intl.NumberFormat(locale, {
    style: 'unit',
    unit: units[i],
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(n);
}
