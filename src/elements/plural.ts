/** "1 member", "3 members": English counts for notes and badges' spoken text. */
export const plural = (count: number, noun: string): string =>
  `${count} ${noun}${count === 1 ? '' : 's'}`;

export const members = (count: number): string => plural(count, 'member');
