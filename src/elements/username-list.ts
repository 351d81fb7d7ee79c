/** Usernames typed into one field, separated by commas or spaces: lowercased, each once. */
export const usernameList = (text: string): string[] =>
  [...new Set(text.toLowerCase().split(/[\s,]+/))].filter(Boolean);
