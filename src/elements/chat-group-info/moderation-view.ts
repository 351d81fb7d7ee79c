/**
 * What a group's and a room's info show of moderation (issue 14): the announcement, to everyone, with
 * its form for the owner and admins; "Mute everyone" (a toggle for them, a note for all while it
 * is on); a member's Ban; and the banned list with Unban. Part of `<chat-group-info>`'s chunk.
 */
import { html, nothing, type ReactiveElement } from 'lit';
import { Limits } from '../../protocol/index.js';
import type { ChatStoreApi, ModeratedType } from '../../store/index.js';
import type { ActionController } from '../controllers/action-controller.js';
import type { ConfirmController } from '../controllers/confirm-controller.js';
import { ObservableController } from '../controllers/observable-controller.js';
import type { LocaleController } from '../locale/locale-controller.js';

/** A group or room as moderation sees it. */
export interface Moderated {
  chatType: ModeratedType;
  id: string;
  name: string;
  announcement: string;
  allMuted: boolean;
}

export class ModerationView {
  /** Whether the announcement's form is shown. */
  #editing = false;
  readonly #bans: ObservableController<string[]>;
  readonly #host: ReactiveElement;
  readonly #i18n: LocaleController;
  readonly #actions: ActionController;
  readonly #confirm: ConfirmController;
  readonly #store: () => ChatStoreApi | undefined;

  constructor(
    host: ReactiveElement,
    i18n: LocaleController,
    actions: ActionController,
    confirm: ConfirmController,
    store: () => ChatStoreApi | undefined,
  ) {
    this.#host = host;
    this.#i18n = i18n;
    this.#actions = actions;
    this.#confirm = confirm;
    this.#store = store;
    this.#bans = new ObservableController<string[]>(host, []);
  }

  /** Follows the banned list of `target` while `manager` (only they may read it). */
  observe(target: Moderated | undefined, manager: boolean): void {
    const store = this.#store();
    const chatType = target?.chatType;
    const id = target?.id;
    this.#bans.observe([store, chatType, id, manager], () =>
      store && chatType && id && manager ? store.bans$(chatType, id) : undefined,
    );
  }

  /**
   * The announcement (shown to all when there is one) and whether everyone is muted; for
   * `manager`s, the announcement's form and the "Mute everyone" toggle.
   */
  render(target: Moderated, manager: boolean) {
    const t = this.#i18n.t.bind(this.#i18n);
    const text = target.announcement;
    return html`${
      text || manager
        ? html`<h3 id="announcement">${t('mod.announcement')}</h3>
            ${
              text
                ? html`<p part="announcement" class="announcement" dir="auto">${text}</p>`
                : html`<p class="empty">${t('mod.noAnnouncement')}</p>`
            }`
        : nothing
    }
    ${
      manager
        ? html`<button
              part="announcement-button"
              class="toggle"
              aria-expanded=${this.#editing}
              aria-controls="announcement-form"
              @click=${() => this.#toggle()}
            >
              ${t('mod.editAnnouncement')}
            </button>
            ${this.#editing ? this.#form(target) : nothing}`
        : nothing
    }
    ${target.allMuted ? html`<p part="all-muted-note" class="empty">${t('mod.allMutedNote')}</p>` : nothing}
    ${
      manager
        ? html`<div class="toggle">
            <button
              part="mute-all-button"
              aria-pressed=${target.allMuted}
              aria-disabled=${this.#actions.pending('muteAll') ? 'true' : 'false'}
              @click=${() =>
                this.#actions.run('muteAll', () =>
                  this.#store()!.muteEveryone(target.chatType, target.id, !target.allMuted),
                )}
            >
              ${t('mod.muteAll')}
            </button>
          </div>`
        : nothing
    }
    ${this.#actions.alert('muteAll')}`;
  }

  /** The banned list with an Unban each, for `manager`s, when someone is banned. */
  bans(target: Moderated, manager: boolean) {
    const bans = this.#bans.value;
    if (!manager || !bans.length) return nothing;
    const t = this.#i18n.t.bind(this.#i18n);
    return html`<h3 id="banned">${t('mod.banned')}</h3>
      <ul part="banned-list" aria-labelledby="banned">
        ${bans.map(
          (name) =>
            html`<li part="banned">
              <span class="open"><bdi class="name">${name}</bdi></span>
              ${this.#actions.button(
                `unban|${name}`,
                'unban-button',
                t('mod.unban'),
                t('mod.unbanWho', { name }),
                () => this.#store()!.banMember(target.chatType, target.id, name, false),
              )}
              ${this.#actions.alert(`unban|${name}`)}
            </li>`,
        )}
      </ul>`;
  }

  /** A member's Ban, asked first; its refusal shows under `key`. */
  banButton(target: Moderated, username: string, name: string, key: string) {
    const t = this.#i18n.t.bind(this.#i18n);
    return html`<button
      part="ban-button"
      class="danger"
      aria-disabled=${this.#actions.pending(key) ? 'true' : 'false'}
      @click=${() =>
        this.#actions.run(key, async () => {
          const question = t('mod.banQuestion', { name, group: target.name });
          if (await this.#confirm.ask(question, t('mod.ban')))
            await this.#store()!.banMember(target.chatType, target.id, username, true);
        })}
    >
      ${t('mod.ban')}
    </button>`;
  }

  #toggle(): void {
    this.#editing = !this.#editing;
    this.#host.requestUpdate();
  }

  #form(target: Moderated) {
    const t = this.#i18n.t.bind(this.#i18n);
    return html`<form
      id="announcement-form"
      part="announcement-form"
      class="panel-form"
      aria-label=${t('mod.editAnnouncement')}
      @submit=${(event: SubmitEvent) => this.#save(event, target)}
    >
      <label for="announcement-input">${t('mod.announcement')}</label>
      <textarea
        part="input"
        id="announcement-input"
        name="announcement"
        rows="3"
        dir="auto"
        maxlength=${Limits.announcementMaxChars}
        .value=${target.announcement}
      ></textarea>
      <button
        part="save-button"
        class="primary"
        aria-disabled=${this.#actions.pending('announce') ? 'true' : 'false'}
      >
        ${t('info.save')}
      </button>
      ${this.#actions.alert('announce')}
    </form>`;
  }

  async #save(event: SubmitEvent, target: Moderated): Promise<void> {
    event.preventDefault();
    const text = String(new FormData(event.currentTarget as HTMLFormElement).get('announcement'));
    const ok = await this.#actions.run('announce', () =>
      this.#store()!.updateAnnouncement(target.chatType, target.id, text.trim()),
    );
    if (ok) this.#toggle();
  }
}
