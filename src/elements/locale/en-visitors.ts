/**
 * English for a site's visitors and their team (issue 9): the `to` conversation's notes and the
 * guest sign-in's failure (`<chat-widget>`'s conversation-target chunk), and a visitor's e-mail and
 * page in the team's inbox (`<chat-visitor-info>`). Each of those chunks imports this module, which
 * adds the strings to the English catalog (`en.ts`): the signed-in bundle does not carry them. The
 * shipped translations have them as every other key.
 */
import { en } from './en.js';

export const enVisitors = {
  'widget.unavailable': 'This conversation is unavailable.',
  'widget.away': '{name} is away right now. We’ll reply here; leave your e-mail if you like.',
  'widget.mailLabel': 'Your e-mail (optional)',
  'widget.mailSave': 'Save e-mail',
  'widget.mailSaved': 'Thanks: we’ll also write to {mail}.',
  'widget.guestFailed': 'Could not start the chat: {reason}',
  'widget.nameLabel': 'Your name (optional)',
  'widget.nameSave': 'Save name',
  'visitor.mail': 'E-mail: {mail}',
  'visitor.page': 'Wrote from: {page}',
} as const;

Object.assign(en, enVisitors);
