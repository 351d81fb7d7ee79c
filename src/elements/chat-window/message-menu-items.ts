/**
 * What a message's menu in `<chat-window>` offers: menu items are added here. This file is part of the
 * menu's chunk (message-menu-popup.ts), loaded the first time a menu opens, so an item costs
 * nothing of what a signed-in visitor loads up front (the size budgets of build/budgets.ts).
 * Items are listed in the menu's order; quick reactions form the row above them.
 */
import type { ChatMessage } from '../../store/index.js';
import type { ChatType } from '../../protocol/index.js';
import type { MessageKey } from '../locale/en.js';
import type { ComposeContext } from './compose-context.js';
import type { WindowContext } from './window-context.js';

/** One entry of the menu. */
export interface MenuAction {
  /** Names the item (`data-action`): `edit`, `reply`, `copy`… */
  id: string;
  label: MessageKey;
  run(): void;
}

/** A quick reaction: an emoji button in the menu's first row. */
export interface MenuReaction {
  emoji: string;
  /** Whether I reacted with it already (pressing it takes mine away). */
  mine: boolean;
  run(): void;
}

export interface MenuItems {
  actions: MenuAction[];
  reactions: MenuReaction[];
}

/** What the items need of the window, given to the menu by `<chat-window>`. */
export interface MenuParts {
  ctx: WindowContext;
  compose: ComposeContext;
  chatType(): ChatType;
}

/** The menu's quick reactions, as most chat apps offer them; "More reactions…" has every emoji. */
const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'];

/** What the menu of message `m` offers; `own` when I sent it. */
export function menuItems(
  { ctx, compose, chatType }: MenuParts,
  m: ChatMessage,
  own: boolean,
): MenuItems {
  const id = ctx.conversationId();
  const actions: MenuAction[] = [];
  const reactions: MenuReaction[] = [];
  // Rooms keep no reactions; a recalled message takes none.
  if (m.mid && !m.recalled && chatType() !== 'chatRoom') {
    const react = (emoji: string, add = true) => void reactTo(ctx, m, emoji, add);
    for (const emoji of QUICK_REACTIONS) {
      const mine = !!m.reactions?.some((r) => r.reaction === emoji && r.mine);
      reactions.push({ emoji, mine, run: () => react(emoji, !mine) });
    }
    actions.push({
      id: 'react',
      label: 'window.moreReactions',
      run: () =>
        void import('./emoji-popover.js').then(
          (picker) => picker.pickReaction(ctx, m.id, react),
          ctx.fail,
        ),
    });
  }
  if (own && m.type === 'txt' && m.status === 'sent' && chatType() !== 'chatRoom')
    actions.push({ id: 'edit', label: 'window.edit', run: () => compose.edit(id, m) });
  if (m.mid) actions.push({ id: 'reply', label: 'window.reply', run: () => compose.reply(id, m) });
  if (m.type === 'txt')
    actions.push({ id: 'copy', label: 'window.copy', run: () => void copy(ctx, m.text) });
  // Someone else's message of a conversation the server keeps (rooms keep none to report).
  if (!own && m.mid && chatType() !== 'chatRoom')
    actions.push({ id: 'report', label: 'window.report', run: () => void report(ctx, m) });
  // Any message: it leaves my view only, on all my devices (one never sent, only here); asked first.
  actions.push({ id: 'delete', label: 'window.deleteForMe', run: () => void deleteForMe(ctx, m) });
  return { actions, reactions };
}

/** Adds (or takes back) my reaction; a refusal is said in plain words and changes nothing. */
export async function reactTo(ctx: WindowContext, m: ChatMessage, emoji: string, add: boolean) {
  ctx.fail('');
  try {
    await ctx.store()?.react(m.id, emoji, add);
  } catch (error) {
    ctx.fail(error);
  }
}

/**
 * "Delete for me", asked first in a dialog (a chunk shared with the roster's, loaded when first
 * asked for); a refusal is said there. Once gone, focus goes to the log.
 */
const deleteForMe = (ctx: WindowContext, m: ChatMessage) =>
  import('../confirm-dialog.js').then(
    (dialog) =>
      dialog.askFirst({
        host: ctx.host,
        i18n: ctx.i18n,
        question: ctx.i18n.t('window.deleteQuestion'),
        confirm: ctx.i18n.t('window.deleteForMe'),
        action: () => ctx.store()!.deleteMessages([m.id]),
        after: () => ctx.host.renderRoot.querySelector<HTMLElement>('[role="log"]'),
      }),
    ctx.fail,
  );

/** The report dialog is a chunk of its own, loaded when first asked for. */
const report = (ctx: WindowContext, m: ChatMessage) =>
  import('./report-dialog.js').then((dialog) => dialog.openReport(ctx, m), ctx.fail);

async function copy(ctx: WindowContext, text: string): Promise<void> {
  ctx.fail('');
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    ctx.fail(ctx.i18n.t('window.copyFailed'));
  }
}
