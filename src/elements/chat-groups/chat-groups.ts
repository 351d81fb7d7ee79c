import { LitElement, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { Limits } from '../../protocol/index.js';
import type { Group, GroupInvitation, JoinRequest, PublicGroup } from '../../store/index.js';
import { ActionController } from '../controllers/action-controller.js';
import { DisplayNameController } from '../controllers/display-name-controller.js';
import { ObservableController } from '../controllers/observable-controller.js';
import { StoreController } from '../controllers/store-controller.js';
import { customElement } from '../custom-element.js';
import { openConversation } from '../open-conversation.js';
import { panelForm } from '../panel-form.js';
import { panelStyles } from '../panel.styles.js';
import '../locale/en-panels.js';
import { LocaleController, type LocaleStrings } from '../locale/locale-controller.js';
import { themeStyles } from '../theme.styles.js';
import { usernameList } from '../username-list.js';

const roleNotes = { owner: 'groups.roleOwner', admin: 'groups.roleAdmin' } as const;

/**
 * The groups the signed-in user is in (a name opens the group's conversation), invitations to
 * accept or decline, applications to approve in groups they own or administer, "Create group"
 * (name, description, members, public, approval, members may invite) and the public groups to join
 * or ask to join.
 *
 * Every action waits for the server: when it refuses, the reason shows in plain words next to the
 * control and the lists stay as they were.
 *
 * Inside `<chat-widget>` (or `<chat-roster>`) it uses the widget's store; alone, it needs `app-key`.
 *
 * @summary Groups, invitations and "Create group".
 *
 * @fires {ChatConversationSelectEvent} chat-conversation-select - The user opened a group's conversation.
 *
 * @csspart create-group-button - Shows and hides the "Create group" form.
 * @csspart create-form - The "Create group" form.
 * @csspart input - Its text fields.
 * @csspart create-button - Its "Create" button.
 * @csspart browse-button - Shows and hides the public groups.
 * @csspart public-list - Public groups, with `join-button`.
 * @csspart join-button - Joins a public group (or asks to, where the owner approves members).
 * @csspart more-button - Loads more public groups.
 * @csspart invitation-list - Invitations, with `accept-button` and `decline-button`.
 * @csspart join-request-list - Applications to my groups, with `accept-button` and `decline-button`.
 * @csspart accept-button - Accepts an invitation or an application.
 * @csspart decline-button - Declines an invitation or an application.
 * @csspart group-list - The groups I am in.
 * @csspart group - A group's name: opens its conversation.
 * @csspart error - A failed action's reason, next to its control.
 *
 * @cssproperty [--chat-background=light-dark(#fff, #18181b)] - Background.
 * @cssproperty [--chat-text=light-dark(#111827, #f4f4f5)] - Text colour.
 * @cssproperty [--chat-muted=light-dark(#4b5563, #a1a1aa)] - Headings and notes.
 * @cssproperty [--chat-border=light-dark(#d1d5db, #52525b)] - Separators.
 * @cssproperty [--chat-primary=light-dark(#1d4ed8, #93c5fd)] - Main buttons.
 * @cssproperty [--chat-danger=light-dark(#b91c1c, #fca5a5)] - Errors.
 */
@customElement('chat-groups')
export class ChatGroups extends LitElement {
  static override styles = [themeStyles, panelStyles];

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

  /** Forces a colour scheme, `light` or `dark`; by default it follows the system. */
  @property({ reflect: true }) theme?: 'light' | 'dark';

  @state() private creating = false;
  /** Public groups loaded so far, while the list is shown. */
  @state() private browsing?: { groups: PublicGroup[]; cursor?: string };
  /** Groups I asked to join, waiting for approval. */
  @state() private requested = new Set<string>();

  private readonly stores = new StoreController(this);
  private readonly groups = new ObservableController<Group[]>(this, []);
  private readonly invitations = new ObservableController<GroupInvitation[]>(this, []);
  private readonly joinRequests = new ObservableController<JoinRequest[]>(this, []);
  private readonly actions = new ActionController(this, this.i18n);
  private readonly names = new DisplayNameController(this);

  protected override willUpdate(): void {
    const store = this.stores.store;
    this.groups.observe([store], () => store?.groups$);
    this.invitations.observe([store], () => store?.groupInvitations$);
    this.joinRequests.observe([store], () => store?.joinRequests$);
    this.names.track(store, [
      ...this.invitations.value.map((i) => i.from),
      ...this.joinRequests.value.map((a) => a.username),
    ]);
  }

  protected override getUpdateComplete(): Promise<boolean> {
    return this.i18n.settled(() => super.getUpdateComplete());
  }

  protected override render() {
    const groups = this.groups.value;
    const invitations = this.invitations.value;
    const applications = this.joinRequests.value;
    return html`
      <div>
        <button
          part="create-group-button"
          class="toggle"
          aria-expanded=${this.creating}
          aria-controls="create-form"
          @click=${() => (this.creating = !this.creating)}
        >
          ${this.i18n.t('groups.create')}
        </button>
        <button
          part="browse-button"
          class="toggle"
          aria-expanded=${!!this.browsing}
          aria-controls="public"
          @click=${this.toggleBrowse}
        >
          ${this.i18n.t('groups.findPublic')}
        </button>
      </div>
      ${this.actions.alert('browse')} ${this.creating ? this.createForm() : nothing}
      ${this.browsing ? this.publicList(this.browsing, groups) : nothing}
      ${
        invitations.length
          ? html`<h3 id="invitations">${this.i18n.t('groups.invitations')}</h3>
              <ul part="invitation-list" aria-labelledby="invitations">
                ${repeat(
                  invitations,
                  (i) => i.groupId,
                  (i) =>
                    this.request(
                      i.groupId,
                      html`<bdi class="name">${i.groupName}</bdi>
                        <span class="note"
                          >${
                            i.reason
                              ? this.i18n.parts('groups.fromBecause', {
                                  name: html`<bdi>${this.names.get(i.from)}</bdi>`,
                                  reason: html`<bdi>${i.reason}</bdi>`,
                                })
                              : this.i18n.parts('groups.from', {
                                  name: html`<bdi>${this.names.get(i.from)}</bdi>`,
                                })
                          }</span
                        >`,
                      i.groupName,
                      () => this.stores.store!.acceptGroupInvitation(i.groupId),
                      () => this.stores.store!.declineGroupInvitation(i.groupId),
                    ),
                )}
              </ul>`
          : nothing
      }
      ${
        applications.length
          ? html`<h3 id="applications">${this.i18n.t('groups.joinRequests')}</h3>
              <ul part="join-request-list" aria-labelledby="applications">
                ${repeat(
                  applications,
                  (a) => `${a.groupId}/${a.username}`,
                  (a) =>
                    this.request(
                      `${a.groupId}/${a.username}`,
                      html`<bdi class="name">${this.names.get(a.username)}</bdi>
                        <span class="note"
                          >${
                            a.reason
                              ? this.i18n.parts('groups.wantsToJoinBecause', {
                                  group: html`<bdi>${a.groupName}</bdi>`,
                                  reason: html`<bdi>${a.reason}</bdi>`,
                                })
                              : this.i18n.parts('groups.wantsToJoin', {
                                  group: html`<bdi>${a.groupName}</bdi>`,
                                })
                          }</span
                        >`,
                      this.i18n.t('groups.into', {
                        name: this.names.get(a.username),
                        group: a.groupName,
                      }),
                      () => this.stores.store!.acceptJoinRequest(a.groupId, a.username),
                      () => this.stores.store!.declineJoinRequest(a.groupId, a.username),
                    ),
                )}
              </ul>`
          : nothing
      }
      <h3 id="groups">${this.i18n.t('groups.mine')}</h3>
      ${
        groups.length
          ? html`<ul part="group-list" aria-labelledby="groups">
              ${repeat(
                groups,
                (g) => g.id,
                (g) =>
                  html`<li>
                    <button part="group" class="open inset-focus" @click=${() => this.open(g.id)}>
                      <bdi class="name">${g.name}</bdi>
                      <span class="note"
                        >${this.i18n.t('common.members', { count: g.memberCount })}${
                          g.role === 'member' ? '' : ` · ${this.i18n.t(roleNotes[g.role])}`
                        }</span
                      >
                    </button>
                    ${this.actions.alert(`open:${g.id}`)}
                  </li>`,
              )}
            </ul>`
          : html`<p class="empty">${this.i18n.t('groups.none')}</p>`
      }
    `;
  }

  /** An invitation or an application: what it is, then Accept and Decline. */
  private request(
    key: string,
    what: unknown,
    label: string,
    accept: () => Promise<unknown>,
    decline: () => Promise<unknown>,
  ) {
    return html`<li>
      <span class="open">${what}</span>
      ${this.actions.button(
        key,
        'accept-button',
        this.i18n.t('common.accept'),
        this.i18n.t('common.acceptWhat', { what: label }),
        accept,
      )}
      ${this.actions.button(
        key,
        'decline-button',
        this.i18n.t('common.decline'),
        this.i18n.t('common.declineWhat', { what: label }),
        decline,
      )}
      ${this.actions.alert(key)}
    </li>`;
  }

  private createForm() {
    const check = (name: string, text: string) =>
      html`<label class="check"><input type="checkbox" name=${name} />${text}</label>`;
    return panelForm({
      id: 'create-form',
      part: 'create-form',
      label: this.i18n.t('groups.create'),
      fields: [
        {
          id: 'group-name',
          label: this.i18n.t('groups.name'),
          name: 'name',
          maxlength: Limits.groupNameMaxChars,
          required: true,
        },
        {
          id: 'group-description',
          label: this.i18n.t('groups.description'),
          name: 'description',
          maxlength: Limits.groupDescriptionMaxChars,
        },
        {
          id: 'group-members',
          label: this.i18n.t('groups.members'),
          name: 'members',
          usernames: true,
        },
      ],
      extra: html`${check('public', this.i18n.t('groups.public'))}
      ${check('approval', this.i18n.t('groups.approval'))}
      ${check('allowInvites', this.i18n.t('groups.allowInvites'))}`,
      submitPart: 'create-button',
      submitText: this.i18n.t('groups.createSubmit'),
      busy: this.actions.pending('create'),
      after: this.actions.alert('create'),
      onSubmit: (e) => this.onCreate(e),
    });
  }

  private publicList(page: { groups: PublicGroup[]; cursor?: string }, mine: Group[]) {
    return html`<h3 id="public">${this.i18n.t('groups.publicGroups')}</h3>
      ${
        page.groups.length
          ? html`<ul part="public-list" aria-labelledby="public">
              ${page.groups.map((g) => {
                const member = mine.some((m) => m.id === g.id);
                const requested = this.requested.has(g.id);
                return html`<li>
                  <span class="open"
                    ><bdi class="name">${g.name}</bdi>
                    <span class="note"
                      >${this.i18n.t('common.members', { count: g.memberCount })} ·
                      ${this.i18n.parts('groups.by', { name: html`<bdi>${g.owner}</bdi>` })}</span
                    ></span
                  >
                  ${
                    member || requested
                      ? html`<span class="note"
                          >${this.i18n.t(member ? 'groups.joined' : 'groups.requestSent')}</span
                        >`
                      : this.actions.button(
                          `join:${g.id}`,
                          'join-button',
                          this.i18n.t('groups.join'),
                          this.i18n.t('groups.joinWhat', { name: g.name }),
                          () => this.join(g.id),
                        )
                  }
                  ${this.actions.alert(`join:${g.id}`)}
                </li>`;
              })}
            </ul>`
          : html`<p class="empty">${this.i18n.t('groups.noPublic')}</p>`
      }
      ${
        page.cursor
          ? html`<button part="more-button" class="toggle" @click=${() => this.browse(page)}>
              ${this.i18n.t('groups.more')}
            </button>`
          : nothing
      }`;
  }

  private toggleBrowse(): Promise<boolean> | void {
    if (this.browsing) {
      this.browsing = undefined;
      return;
    }
    return this.browse();
  }

  private browse(before?: { groups: PublicGroup[]; cursor?: string }) {
    return this.actions.run('browse', async () => {
      const page = await this.stores.store!.listPublicGroups(before?.cursor);
      this.browsing = { ...page, groups: [...(before?.groups ?? []), ...page.groups] };
    });
  }

  private async join(groupId: string): Promise<void> {
    const result = await this.stores.store!.joinGroup(groupId);
    if (result === 'requested') this.requested = new Set(this.requested).add(groupId);
  }

  private open(groupId: string) {
    return this.actions.run(`open:${groupId}`, () =>
      openConversation(this, this.stores.store!, groupId, 'groupChat'),
    );
  }

  private async onCreate(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const store = this.stores.store!;
    let created: Group | undefined;
    await this.actions.run('create', async () => {
      created = await store.createGroup({
        name: String(data.get('name') ?? '').trim(),
        description: String(data.get('description') ?? '').trim(),
        members: usernameList(String(data.get('members') ?? '')),
        public: data.has('public'),
        approval: data.has('approval'),
        allowInvites: data.has('allowInvites'),
      });
    });
    if (!created) return;
    form.reset();
    this.creating = false;
    // The new group is where the person wants to be next.
    await this.open(created.id);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-groups': ChatGroups;
  }
}
