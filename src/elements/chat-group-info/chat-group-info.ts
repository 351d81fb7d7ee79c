import { LitElement, css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { from, map, switchMap } from 'rxjs';
import { Limits } from '../../protocol/index.js';
import { RoleRanks } from '../../protocol/room-roles.js';
import type { ChatRoom, Group, GroupMember } from '../../store/index.js';
import { ActionController } from '../controllers/action-controller.js';
import { ConfirmController } from '../controllers/confirm-controller.js';
import { ObservableController } from '../controllers/observable-controller.js';
import { StoreController } from '../controllers/store-controller.js';
import { customElement } from '../custom-element.js';
import { mutedNote } from '../muted-note.js';
import { panelForm } from '../panel-form.js';
import { panelStyles } from '../panel.styles.js';
import '../locale/en-panels.js';
import { LocaleController, type LocaleStrings } from '../locale/locale-controller.js';
import { themeStyles } from '../theme.styles.js';
import { usernameList } from '../username-list.js';
import { type Moderated, ModerationView } from './moderation-view.js';

/** A member's controls, each running one action at a time with its own error. */
const controlKinds = ['kick', 'ban', 'mute', 'admin', 'owner'] as const;
type ControlKind = (typeof controlKinds)[number];

const roleNotes = {
  owner: 'groups.roleOwner',
  roomAdmin: 'groups.roleRoomAdmin',
  admin: 'groups.roleAdmin',
} as const;

const listFormats = new Map<string, Intl.ListFormat>();
/** "owner, muted until 14:05, you", in the locale's own way of listing. */
const listFormat = (locale: string) => {
  let format = listFormats.get(locale);
  if (!format) listFormats.set(locale, (format = new Intl.ListFormat(locale, { type: 'unit' })));
  return format;
};
/** "10 minutes", "1 hour" in the locale's words. */
const unitFormat = (locale: string, unit: string) =>
  new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long' });
/** How long a mute lasts: an amount of a unit, said by `Intl.NumberFormat`, or until unmuted. */
const muteChoices = [
  ['600000', 10, 'minute'],
  ['3600000', 1, 'hour'],
  ['86400000', 1, 'day'],
  ['-1', 0, ''],
] as const;

/**
 * A group's details and members (with their role and whether they are muted), for a member of it.
 * The owner and admins also get their controls: invite, edit the name and description, and for each
 * member they outrank remove, ban, mute for a while or unmute; the owner also makes and removes
 * admins, hands the group over, and disbands it. Everyone sees the announcement and whether everyone
 * is muted; the owner and admins edit the announcement, mute everyone or lift it, and see who is
 * banned, with Unban. Members may invite when the group allows it, and leave.
 * Destructive actions ask first. Every refusal shows in plain words next to its control, and
 * nothing changes on screen unless the server agreed.
 *
 * `<chat-window>` shows it for a group conversation; alone, it needs `app-key`.
 *
 * @summary A group's members and the owner's and admins' controls.
 *
 * @csspart title - The group's name.
 * @csspart description - The group's description.
 * @csspart edit-button - Shows the form to edit the name and description (owner, admins).
 * @csspart edit-form - That form; `save-button` saves it.
 * @csspart save-button - Saves the edit form, the announcement form or the nickname form.
 * @csspart invite-form - The form to invite members; `invite-button` sends it.
 * @csspart invite-button - Sends the invite form.
 * @csspart input - The forms' fields.
 * @csspart member-list - The members.
 * @csspart member - A member's row: name, role, muted.
 * @csspart nickname-button - Shows the form to set my nickname in the group (in my row).
 * @csspart nickname-form - That form; `save-button` saves it (empty: no nickname).
 * @csspart manage-button - Shows a member's controls.
 * @csspart member-controls - A member's controls: `kick-button`, `ban-button`, `mute-select`,
 *   `mute-button`, `unmute-button`, `admin-button`, `owner-button`.
 * @csspart kick-button - Removes the member.
 * @csspart ban-button - Removes the member and bans them (they cannot join again until unbanned).
 * @csspart mute-select - How long a mute lasts.
 * @csspart mute-button - Mutes the member for that long.
 * @csspart unmute-button - Lifts the member's mute.
 * @csspart admin-button - Makes the member an admin, or an admin a member again (owner).
 * @csspart owner-button - Hands the group over to the member (owner).
 * @csspart announcement - The announcement's text.
 * @csspart announcement-button - Shows the form to edit it (owner, admins).
 * @csspart announcement-form - That form; `save-button` saves it (empty: no announcement).
 * @csspart all-muted-note - Says everyone but the owner and admins is muted.
 * @csspart mute-all-button - Mutes everyone or lifts it (owner, admins; `aria-pressed`).
 * @csspart banned-list - Who is banned (owner, admins); each row `banned`, with `unban-button`.
 * @csspart banned - A banned user's row.
 * @csspart unban-button - Lifts the ban.
 * @csspart leave-button - Leave the group (not the owner).
 * @csspart disband-button - Disband the group (owner).
 * @csspart confirm-dialog - The dialog asking before a destructive action, with `cancel-button` and
 *   `confirm-button`.
 * @csspart cancel-button - The confirm dialog's "Cancel".
 * @csspart confirm-button - The confirm dialog's button that goes ahead.
 * @csspart error - A failed action's reason, next to its control.
 *
 * @cssproperty [--chat-background=light-dark(#fff, #18181b)] - Background.
 * @cssproperty [--chat-muted=light-dark(#4b5563, #a1a1aa)] - Roles and notes.
 * @cssproperty [--chat-border=light-dark(#d1d5db, #52525b)] - Separators.
 * @cssproperty [--chat-danger=light-dark(#b91c1c, #fca5a5)] - Errors, destructive buttons.
 */
@customElement('chat-group-info')
export class ChatGroupInfo extends LitElement {
  static override styles = [
    themeStyles,
    panelStyles,
    css`
      h3[part='title'] {
        font-size: 1.1em;
        text-transform: none;
        letter-spacing: 0;
        color: var(--_fg);
      }
      .announcement {
        margin: 0;
        padding: 0 calc(var(--_space) * 1.5);
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
    `,
  ];

  /**
   * Strings replacing the built-in ones, by locale tag (`{ fr: { 'login.logIn': 'Entrer' } }`); a
   * tag the widget does not ship adds that locale. The elements inside follow it too.
   */
  @property({ attribute: false }) strings?: LocaleStrings;

  private readonly i18n = new LocaleController(this);

  /** The app, `org#app`, when not inside `<chat-widget>`. */
  @property({ attribute: 'app-key' }) appKey = '';

  /** The chat server's URL; defaults to the server the script came from, else the page's origin. */
  @property({ attribute: 'api-url' }) apiUrl = '';

  /** The group's id (with `chat-type="chatRoom"`, the room's). */
  @property({ attribute: 'group-id' }) groupId = '';

  /**
   * `chatRoom` shows a joined room instead: its announcement, members (with their role and mute)
   * and its managers' and admins' controls (remove, ban, mute for a while, make admin).
   */
  @property({ attribute: 'chat-type' }) chatType: 'groupChat' | 'chatRoom' = 'groupChat';

  /** Forces a colour scheme, `light` or `dark`; by default it follows the system. */
  @property({ reflect: true }) theme?: 'light' | 'dark';

  @state() private editing = false;
  /** The form setting my nickname in the group is shown. */
  @state() private naming = false;
  /** The member whose controls are shown. */
  @state() private managing = '';

  private readonly stores = new StoreController(this);
  private readonly groups = new ObservableController<Group[]>(this, []);
  private readonly rooms = new ObservableController<ChatRoom[]>(this, []);
  private readonly members = new ObservableController<GroupMember[]>(this, []);
  /** Members' nicknames in the group, by username. */
  private readonly nicknames = new ObservableController(this, new Map<string, string>());
  private readonly user = new ObservableController<string>(this, '');
  private readonly actions = new ActionController(this, this.i18n);
  private readonly confirm = new ConfirmController(this, this.i18n);
  private readonly moderation = new ModerationView(
    this,
    this.i18n,
    this.actions,
    this.confirm,
    () => this.stores.store,
  );

  protected override willUpdate(): void {
    const store = this.stores.store;
    const id = this.groupId;
    const room = this.chatType === 'chatRoom';
    this.groups.observe([store], () => store?.groups$);
    this.rooms.observe([store, room], () => (room ? store?.rooms$ : undefined));
    this.members.observe([store, id, room], () =>
      store && id ? (room ? store.roomMembers$(id) : store.groupMembers$(id)) : undefined,
    );
    this.nicknames.observe([store, id, room], () =>
      store && id && !room
        ? from(store.groupNicknames()).pipe(switchMap((nicknames) => nicknames.of$(id)))
        : undefined,
    );
    this.user.observe([store], () => store?.user$.pipe(mapUsername));
    const target = this.target();
    this.moderation.observe(target, target?.role !== 'member');
  }

  /** The group, or the joined room, shown. */
  private target(): Target | undefined {
    const id = this.groupId;
    if (this.chatType === 'chatRoom') {
      const room = this.rooms.value.find((r) => r.id === id && r.joined);
      return room && { ...room, chatType: 'chatRoom' };
    }
    const group = this.groups.value.find((g) => g.id === id);
    return group && { ...group, chatType: 'groupChat' };
  }

  protected override getUpdateComplete(): Promise<boolean> {
    return this.i18n.settled(() => super.getUpdateComplete());
  }

  protected override render() {
    const target = this.target();
    if (!target) {
      return html`<p class="empty">
          ${this.i18n.t(this.chatType === 'chatRoom' ? 'mod.notInRoom' : 'info.notMember')}
        </p>
        ${this.confirm.dialog()}`;
    }
    const group = target.chatType === 'groupChat' ? target : undefined;
    const manager = target.role !== 'member';
    return html`
      <h3 part="title" class="name"><bdi>${target.name}</bdi></h3>
      ${
        target.description
          ? html`<p part="description" class="empty" dir="auto">${target.description}</p>`
          : nothing
      }
      ${
        manager && group
          ? html`<button
              part="edit-button"
              class="toggle"
              aria-expanded=${this.editing}
              aria-controls="edit-form"
              @click=${() => (this.editing = !this.editing)}
            >
              ${this.i18n.t('info.edit')}
            </button>`
          : nothing
      }
      ${this.editing && manager && group ? this.editForm(group) : nothing}
      ${this.moderation.render(target, manager)}
      ${group && (manager || group.allowInvites) ? this.inviteForm() : nothing}
      <h3 id="members">
        ${this.i18n.t('common.members', {
          count: this.members.value.length || target.memberCount,
        })}
      </h3>
      <ul part="member-list" aria-labelledby="members">
        ${repeat(
          this.members.value,
          (m) => m.username,
          (m) => this.member(target, m),
        )}
      </ul>
      ${this.moderation.bans(target, manager)} ${group ? this.groupEnd(group) : nothing}
      ${this.actions.alert('group')} ${this.confirm.dialog()}
    `;
  }

  /** Leave, or for its owner Disband. */
  private groupEnd(group: Group) {
    return html`<div class="toggle">
      ${
        group.role === 'owner'
          ? html`<button part="disband-button" class="danger" @click=${() => this.disband(group)}>
              ${this.i18n.t('info.disband')}
            </button>`
          : html`<button part="leave-button" class="danger" @click=${() => this.leave(group)}>
              ${this.i18n.t('info.leave')}
            </button>`
      }
    </div>`;
  }

  private editForm(group: Group) {
    return panelForm({
      id: 'edit-form',
      part: 'edit-form',
      label: this.i18n.t('info.editGroup'),
      fields: [
        {
          id: 'edit-name',
          label: this.i18n.t('groups.name'),
          name: 'name',
          maxlength: Limits.groupNameMaxChars,
          required: true,
          value: group.name,
        },
        {
          id: 'edit-description',
          label: this.i18n.t('info.description'),
          name: 'description',
          maxlength: Limits.groupDescriptionMaxChars,
          value: group.description,
        },
      ],
      submitPart: 'save-button',
      submitText: this.i18n.t('info.save'),
      busy: this.actions.pending('edit'),
      after: this.actions.alert('edit'),
      onSubmit: (e) => this.onEdit(e),
    });
  }

  private inviteForm() {
    return panelForm({
      part: 'invite-form',
      label: this.i18n.t('info.inviteMembers'),
      fields: [
        {
          id: 'invitees',
          label: this.i18n.t('info.inviteLabel'),
          name: 'usernames',
          required: true,
          usernames: true,
        },
      ],
      submitPart: 'invite-button',
      submitText: this.i18n.t('info.invite'),
      busy: this.actions.pending('invite'),
      after: this.actions.alert('invite'),
      onSubmit: (e) => this.onInvite(e),
    });
  }

  private member(target: Target, m: GroupMember) {
    const me = this.user.value;
    const nickname = this.nicknames.value.get(m.username);
    const name = nickname || m.nickname || m.username;
    const muted = mutedNote(m.mutedUntil, this.i18n);
    const role = m.role === 'member' ? '' : this.i18n.t(roleNotes[m.role]);
    const notes = listFormat(this.i18n.locale).format(
      [role, muted, m.username === me ? this.i18n.t('info.you') : ''].filter(Boolean),
    );
    // Managers and admins manage who they outrank, as the server allows; nobody manages themselves.
    const manageable = m.username !== me && RoleRanks[target.role] > RoleRanks[m.role];
    const open = manageable && this.managing === m.username;
    return html`<li part="member">
      <span class="open"
        ><bdi class="name">${name}</bdi>
        ${nickname ? html`<bdi class="note">${m.username}</bdi>` : nothing}
        ${notes ? html`<span class="note">${this.i18n.t('info.notes', { notes })}</span>` : nothing}</span
      >
      ${m.username === me && target.chatType === 'groupChat' ? this.nicknameForm(nickname) : nothing}
      ${
        manageable
          ? html`<button
              part="manage-button"
              aria-expanded=${open}
              aria-label=${this.i18n.t('info.manageWho', { name })}
              @click=${() => (this.managing = open ? '' : m.username)}
            >
              ${this.i18n.t('info.manage')}
            </button>`
          : nothing
      }
      ${open ? this.controls(target, m, name, !!muted) : nothing}
      ${controlKinds.map((kind) => this.actions.alert(`${m.username}|${kind}`))}
    </li>`;
  }

  /** In my row: a toggle showing the form that sets my nickname in the group. */
  private nicknameForm(nickname = '') {
    return html`<button
        part="nickname-button"
        aria-expanded=${this.naming}
        aria-controls="nickname-form"
        @click=${() => (this.naming = !this.naming)}
      >
        ${this.i18n.t('info.nickname')}
      </button>
      ${
        this.naming
          ? panelForm({
              id: 'nickname-form',
              part: 'nickname-form',
              label: this.i18n.t('info.nicknameHere'),
              fields: [
                {
                  id: 'nickname',
                  label: this.i18n.t('info.nicknameHere'),
                  name: 'nickname',
                  maxlength: Limits.nicknameMaxChars,
                  value: nickname,
                },
              ],
              submitPart: 'save-button',
              submitText: this.i18n.t('info.save'),
              busy: this.actions.pending('nickname'),
              after: this.actions.alert('nickname'),
              onSubmit: (e) => this.onNickname(e),
            })
          : nothing
      }`;
  }

  private controls(target: Target, m: GroupMember, name: string, muted: boolean) {
    const store = this.stores.store!;
    const id = target.id;
    const room = target.chatType === 'chatRoom';
    const u = m.username;
    // One action at a time per control, not per member: "Make admin" is done once the server
    // agreed, but the store still reads the group again, and "Make owner" clicked meanwhile was
    // dropped without a word.
    const act = (kind: ControlKind, run: () => Promise<unknown>) => () =>
      this.actions.run(`${u}|${kind}`, run);
    const busy = (kind: ControlKind) => (this.actions.pending(`${u}|${kind}`) ? 'true' : 'false');
    // A group's owner, or a room's managers (its owner and the app's room admins).
    const owner = RoleRanks[target.role] === RoleRanks.owner;
    return html`<div part="member-controls" class="more">
      <button
        part="kick-button"
        class="danger"
        aria-disabled=${busy('kick')}
        @click=${act('kick', async () => {
          const question = this.i18n.t('info.removeQuestion', { name, group: target.name });
          if (await this.confirm.ask(question, this.i18n.t('info.remove'))) {
            await (room ? store.removeRoomMember(id, u) : store.removeGroupMember(id, u));
          }
        })}
      >
        ${this.i18n.t('info.remove')}
      </button>
      ${this.moderation.banButton(target, u, name, `${u}|ban`)}
      ${
        muted
          ? html`<button
              part="unmute-button"
              aria-disabled=${busy('mute')}
              @click=${act('mute', () =>
                room ? store.muteRoomMember(id, u, 0) : store.unmuteGroupMember(id, u),
              )}
            >
              ${this.i18n.t('info.unmute')}
            </button>`
          : html`<select part="mute-select" aria-label=${this.i18n.t('info.muteFor', { name })}>
                ${muteChoices.map(
                  ([ms, amount, unit]) =>
                    html`<option value=${ms}>
                      ${unit ? unitFormat(this.i18n.locale, unit).format(amount) : this.i18n.t('info.untilUnmuted')}
                    </option>`,
                )}
              </select>
              <button
                part="mute-button"
                aria-disabled=${busy('mute')}
                @click=${act('mute', () => {
                  const select = this.renderRoot.querySelector<HTMLSelectElement>('select');
                  const ms = Number(select?.value ?? -1);
                  return room ? store.muteRoomMember(id, u, ms) : store.muteGroupMember(id, u, ms);
                })}
              >
                ${this.i18n.t('info.mute')}
              </button>`
      }
      ${
        owner
          ? html`<button
              part="admin-button"
              aria-disabled=${busy('admin')}
              @click=${act('admin', () =>
                room
                  ? store.setRoomAdmin(id, u, m.role !== 'admin')
                  : m.role === 'admin'
                    ? store.removeGroupAdmin(id, u)
                    : store.setGroupAdmin(id, u),
              )}
            >
              ${this.i18n.t(m.role === 'admin' ? 'info.removeAdmin' : 'info.makeAdmin')}
            </button>`
          : nothing
      }
      ${
        owner && !room
          ? html`<button
              part="owner-button"
              aria-disabled=${busy('owner')}
              @click=${act('owner', async () => {
                const ok = await this.confirm.ask(
                  this.i18n.t('info.ownerQuestion', { name, group: target.name }),
                  this.i18n.t('info.makeOwner'),
                );
                if (ok) await store.changeGroupOwner(id, u);
              })}
            >
              ${this.i18n.t('info.makeOwner')}
            </button>`
          : nothing
      }
    </div>`;
  }

  private leave(group: Group) {
    return this.actions.run('group', async () => {
      const question = this.i18n.t('info.leaveQuestion', { group: group.name });
      if (await this.confirm.ask(question, this.i18n.t('rooms.leave'))) {
        await this.stores.store!.leaveGroup(group.id);
      }
    });
  }

  private disband(group: Group) {
    return this.actions.run('group', async () => {
      const ok = await this.confirm.ask(
        this.i18n.t('info.disbandQuestion', { group: group.name }),
        this.i18n.t('info.disbandConfirm'),
      );
      if (ok) await this.stores.store!.disbandGroup(group.id);
    });
  }

  private async onEdit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const ok = await this.actions.run('edit', () =>
      this.stores.store!.updateGroup(this.groupId, {
        name: String(data.get('name') ?? '').trim(),
        description: String(data.get('description') ?? '').trim(),
      }),
    );
    if (ok) this.editing = false;
  }

  private async onNickname(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const nickname = String(new FormData(event.currentTarget as HTMLFormElement).get('nickname'));
    const ok = await this.actions.run('nickname', () =>
      this.stores
        .store!.groupNicknames()
        .then((nicknames) => nicknames.setMine(this.groupId, nickname.trim())),
    );
    if (ok) this.naming = false;
  }

  private async onInvite(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const usernames = usernameList(String(new FormData(form).get('usernames') ?? ''));
    const ok = await this.actions.run('invite', () =>
      this.stores.store!.inviteToGroup(this.groupId, usernames),
    );
    if (ok) form.reset();
  }
}

/** A group or a joined room, with what moderation needs of either. */
type Target = Moderated &
  (({ chatType: 'groupChat' } & Group) | ({ chatType: 'chatRoom' } & ChatRoom));

const mapUsername = map((user: { username: string } | null) => user?.username ?? '');

declare global {
  interface HTMLElementTagNameMap {
    'chat-group-info': ChatGroupInfo;
  }
}
