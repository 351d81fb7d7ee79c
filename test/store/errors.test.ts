import { expect } from '@open-wc/testing';
import { ErrorDescriptions } from '../../src/protocol/index.js';
import {
  ChatStoreError,
  Codes,
  Messages,
  actionError,
  isTransientSendFailure,
  toChatError,
} from '../../src/store/errors.js';

const rest = (error: string, error_description = '') => ({
  type: 17,
  data: JSON.stringify({ error, error_description, timestamp: 1, duration: 0 }),
});

describe('store/errors', () => {
  it('maps the REST error bodies of register and login to plain words', () => {
    const cases: [ReturnType<typeof rest>, string][] = [
      [rest('duplicate_unique_property_exists'), Messages.duplicateUser],
      [rest('illegal_argument', 'USERNAME_TOO_LONG'), Messages.usernameTooLong],
      [rest('illegal_argument', 'username is not legal'), Messages.illegalUsername],
      [rest('illegal_argument', ErrorDescriptions.passwordMissing), Messages.emptyPassword],
      [rest('illegal_argument', ErrorDescriptions.passwordTooLong), Messages.passwordTooLong],
      [rest('unauthorized', ErrorDescriptions.registrationClosed), Messages.registrationClosed],
      [rest('resource_limited'), Messages.userLimit],
      [rest('organization_application_not_found'), Messages.unknownApp],
      [rest('invalid_grant', 'invalid password'), Messages.invalidPassword],
      [rest('invalid_grant', 'user not found'), Messages.userNotFound],
      [rest('reach_limit'), Messages.rateLimited],
    ];
    for (const [input, words] of cases) {
      const error = toChatError(input);
      expect(error, input.data).to.be.instanceOf(ChatStoreError);
      expect(error.message, input.data).to.equal(words);
      expect(error.type).to.equal(17);
      expect(error.error).to.equal(JSON.parse(input.data).error);
    }
  });

  it('unwraps the login shape {type: 1, data: {type: 17, data}}', () => {
    const error = toChatError({ type: 1, data: rest('invalid_grant', 'invalid password') });
    expect(error.message).to.equal(Messages.invalidPassword);
    expect(error.description).to.equal('invalid password');
  });

  it('reads an empty REST answer, or a fetch TypeError, as the network being down', () => {
    expect(toChatError({ type: 17, data: '' }).message).to.equal(Messages.networkDown);
    expect(toChatError(new TypeError('Failed to fetch')).message).to.equal(Messages.networkDown);
  });

  it('maps socket and send codes', () => {
    expect(toChatError({ type: 56, message: 'token expired' }).message).to.equal(
      Messages.sessionExpired,
    );
    expect(toChatError({ type: 511, message: 'too long' }).message).to.equal(
      Messages.messageTooLong,
    );
    expect(toChatError({ type: 204 }).message).to.equal(Messages.userNotFound);
    expect(toChatError('nonsense').message).to.equal(Messages.unknown);
  });

  it('keeps a disconnect pending and fails a refusal', () => {
    expect(isTransientSendFailure(Codes.websocketDisconnected)).to.equal(true);
    expect(isTransientSendFailure(Codes.messageSizeLimit)).to.equal(false);
    expect(isTransientSendFailure(Codes.userNotFound)).to.equal(false);
  });

  it('says group, room and contact refusals in words about them', () => {
    const cases: [unknown, string][] = [
      [{ type: 602 }, Messages.notGroupMember],
      [{ type: 603 }, Messages.blockedByPeer],
      [{ type: 605 }, Messages.groupGone],
      [{ type: 507 }, Messages.mutedInGroup],
      [{ type: 219 }, Messages.muted],
      [{ type: 702 }, Messages.notRoomMember],
      [{ type: 705 }, Messages.roomGone],
      [{ type: 221 }, Messages.notFriend],
    ];
    for (const [input, words] of cases) {
      const error = toChatError(input);
      expect(error.message).to.equal(words);
      // The key the elements translate from names the same failure.
      expect(Messages[error.key]).to.equal(words);
    }

    expect(actionError(rest('service_resource_not_found'), 'group').message).to.equal(
      Messages.groupGone,
    );
    expect(actionError(rest('service_resource_not_found'), 'contact').message).to.equal(
      Messages.userNotFound,
    );
    expect(actionError(rest('forbidden_op', 'not allowed'), 'room').message).to.equal(
      Messages.roomNotAllowed,
    );
    const limit = actionError(rest('forbidden_op', 'groups per user limit is 100'), 'group');
    expect(limit.message).to.equal(
      'That goes over a limit of this chat: groups per user limit is 100.',
    );
    expect(limit.key).to.equal('overLimit');
    expect(limit.params).to.deep.equal({ detail: 'groups per user limit is 100' });
    expect(limit.description).to.equal('groups per user limit is 100');
    const words = { illegal: Messages.contactExists, notFound: Messages.noContactRequest };
    expect(actionError(rest('illegal_argument', 'already'), 'contact', words).message).to.equal(
      Messages.contactExists,
    );
    expect(actionError(rest('service_resource_not_found'), 'contact', words).message).to.equal(
      Messages.noContactRequest,
    );
    // Not a refusal of the action: the usual words.
    expect(actionError(rest('reach_limit'), 'group').message).to.equal(Messages.rateLimited);
    expect(actionError({ type: 17, data: '' }, 'group').message).to.equal(Messages.networkDown);
  });
});
