/** How an unread count reads aloud: "1 unread message", "3 unread messages". */
export function unreadLabel(count: number): string {
  return `${count} unread message${count === 1 ? '' : 's'}`;
}
