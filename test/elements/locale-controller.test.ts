import { expect, fixture, html } from '@open-wc/testing';
import { filter, firstValueFrom } from 'rxjs';
import '../../src/elements/index.js';
import type { ChatLogin, ChatWidget, ChatWindow } from '../../src/elements/index.js';
import { en } from '../../src/elements/locale/en.js';
import ar from '../../src/elements/locale/ar.js';
import de from '../../src/elements/locale/de.js';
import es from '../../src/elements/locale/es.js';
import fr from '../../src/elements/locale/fr.js';
import ja from '../../src/elements/locale/ja.js';
import ptBR from '../../src/elements/locale/pt-BR.js';
import zhCN from '../../src/elements/locale/zh-CN.js';
import type { Translation } from '../../src/elements/locale/en.js';
import { formatMessage } from '../../src/elements/locale/format.js';
import { matchLocale } from '../../src/elements/locale/match-locale.js';
import { getChatStore } from '../../src/store/index.js';

const catalogs: Record<string, Translation> = {
  en,
  'zh-CN': zhCN,
  es,
  fr,
  de,
  'pt-BR': ptBR,
  ja,
  ar,
};

const $ = <T extends Element = HTMLElement>(el: Element, selector: string) =>
  el.shadowRoot!.querySelector<T & Element>(selector) as T;
const text = (el: Element | null) => el?.textContent?.trim() ?? '';

/**
 * A `lang` change reaches the elements through a MutationObserver, whose record is a microtask
 * queued by the change: after this one, the element has its update requested.
 */
const observed = () => Promise.resolve();

/** The login form's "Log in" tab, its first tab. */
const logInTab = (login: ChatLogin) => text($(login, '#tab-login'));

describe('locale', () => {
  describe('matchLocale', () => {
    const shipped = Object.keys(catalogs);
    it('takes the first tag a catalog serves, by region and script where they matter', () => {
      expect(matchLocale(['fr-CA'], shipped)).to.equal('fr');
      expect(matchLocale(['pt-PT'], shipped)).to.equal('pt-BR');
      expect(matchLocale(['zh'], shipped)).to.equal('zh-CN');
      expect(matchLocale(['zh-SG'], shipped)).to.equal('zh-CN');
      expect(matchLocale(['es-MX'], shipped)).to.equal('es');
      expect(matchLocale(['ar-EG'], shipped)).to.equal('ar');
      // Traditional Chinese is another script: not served by the simplified catalog.
      expect(matchLocale(['zh-TW', 'ja'], shipped)).to.equal('ja');
      expect(matchLocale(['ko', 'de-AT'], shipped)).to.equal('de');
      expect(matchLocale(['ko', 'not a tag'], shipped)).to.equal('en');
    });
  });

  describe('plurals and numbers', () => {
    it('uses every Arabic plural form, with Arabic digits', () => {
      const say = (count: number) => formatMessage(ar['common.members'], 'ar', { count });
      const digits = (n: number) => new Intl.NumberFormat('ar').format(n);
      expect(say(0)).to.equal('لا أعضاء');
      expect(say(1)).to.equal('عضو واحد');
      expect(say(2)).to.equal('عضوان');
      expect(say(3)).to.equal(`${digits(3)} أعضاء`);
      expect(say(11)).to.equal(`${digits(11)} عضوًا`);
      expect(say(100)).to.equal(`${digits(100)} عضو`);
    });

    it('writes large counts with the locale’s grouping', () => {
      expect(formatMessage(en['common.members'], 'en', { count: 1234 })).to.equal('1,234 members');
      expect(formatMessage(de['common.members'], 'de', { count: 1234 })).to.equal(
        '1.234 Mitglieder',
      );
      expect(formatMessage(en['common.members'], 'en', { count: 1 })).to.equal('1 member');
    });
  });

  describe('elements', () => {
    for (const [locale, catalog] of Object.entries(catalogs)) {
      it(`<chat-login lang="${locale}"> speaks ${locale}, errors included, and is accessible`, async () => {
        const login = await fixture<ChatLogin>(html`<chat-login lang=${locale}></chat-login>`);
        expect(logInTab(login)).to.equal(catalog['login.logIn']);
        expect(text($(login, 'label[for="username"]'))).to.equal(catalog['login.username']);
        // No app-key: submitting says so, in the same language.
        $<HTMLInputElement>(login, '#username').value = 'ana';
        $<HTMLInputElement>(login, '#password').value = 'secret';
        $<HTMLFormElement>(login, 'form').requestSubmit();
        await login.updateComplete;
        expect(text($(login, '[role="alert"]'))).to.equal(catalog['login.noAppKey']);
        expect(login.getAttribute('dir')).to.equal(locale === 'ar' ? 'rtl' : 'ltr');
        await expect(login).to.be.accessible();
      });

      it(`<chat-window> inside <div lang="${locale}"> follows the page around it`, async () => {
        const wrapper = await fixture(html`<div lang=${locale}><chat-window></chat-window></div>`);
        const win = wrapper.querySelector<ChatWindow>('chat-window')!;
        await win.updateComplete;
        expect(text($(win, '[part="empty"]'))).to.equal(catalog['window.logIn']);
      });
    }

    it('falls back to the browser’s languages when no lang is set anywhere', async () => {
      document.documentElement.removeAttribute('lang');
      const login = await fixture<ChatLogin>(html`<chat-login></chat-login>`);
      const expected = matchLocale(navigator.languages, Object.keys(catalogs));
      expect(logInTab(login)).to.equal(catalogs[expected]!['login.logIn']);
    });

    it('re-renders when lang changes at run time, on the element or on the page', async () => {
      const wrapper = await fixture(html`<div lang="de"><chat-login></chat-login></div>`);
      const login = wrapper.querySelector<ChatLogin>('chat-login')!;
      await login.updateComplete;
      expect(logInTab(login)).to.equal(de['login.logIn']);
      wrapper.setAttribute('lang', 'ja');
      await observed();
      await login.updateComplete;
      expect(logInTab(login)).to.equal(ja['login.logIn']);
      login.setAttribute('lang', 'ar');
      await observed();
      await login.updateComplete;
      expect(logInTab(login)).to.equal(ar['login.logIn']);
      expect(login.getAttribute('dir')).to.equal('rtl');
    });

    it('passes a widget’s lang and strings down to the elements inside it', async () => {
      // A store of its own (nothing is sent before someone signs in), so the form shows.
      const widget = await fixture<ChatWidget>(
        html`<chat-widget
          lang="fr"
          app-key="locale#test"
          api-url="http://127.0.0.1:9"
        ></chat-widget>`,
      );
      const login = $<ChatLogin>(widget, 'chat-login');
      // The form shows once the store found no saved session to resume.
      const signedOut = getChatStore('locale#test', 'http://127.0.0.1:9').status$.pipe(
        filter((status) => status === 'signed-out'),
      );
      await firstValueFrom(signedOut);
      await login.updateComplete;
      expect($(widget, '[part="launcher"]').getAttribute('aria-label')).to.equal(fr['widget.open']);
      expect(logInTab(login)).to.equal(fr['login.logIn']);
      expect(login.getAttribute('dir')).to.equal('ltr');

      widget.strings = { fr: { 'login.logIn': 'Entrer' } };
      await widget.updateComplete;
      await observed();
      await login.updateComplete;
      expect(logInTab(login)).to.equal('Entrer');
      // The rest stays the built-in French.
      expect(text($(login, '#tab-register'))).to.equal(fr['login.register']);
    });

    it('takes a locale the page adds through strings, English where it says nothing', async () => {
      const login = await fixture<ChatLogin>(
        html`<chat-login
          lang="nl"
          .strings=${{ nl: { 'login.logIn': 'Inloggen', 'login.register': 'Registreren' } }}
        ></chat-login>`,
      );
      expect(logInTab(login)).to.equal('Inloggen');
      expect(text($(login, '#tab-register'))).to.equal('Registreren');
      expect(text($(login, 'label[for="username"]'))).to.equal(en['login.username']);
      // Hebrew added the same way is written right to left.
      login.strings = { he: { 'login.logIn': 'התחברות' } };
      login.lang = 'he';
      await observed();
      await login.updateComplete;
      expect(logInTab(login)).to.equal('התחברות');
      expect(login.getAttribute('dir')).to.equal('rtl');
    });

    it('never renders markup from a string: a translation is text', async () => {
      const login = await fixture<ChatLogin>(
        html`<chat-login
          .strings=${{ en: { 'login.logIn': '<img src=x onerror=alert(1)>' } }}
        ></chat-login>`,
      );
      expect($(login, '#tab-login img')).to.equal(null);
      expect(logInTab(login)).to.equal('<img src=x onerror=alert(1)>');
    });

    it('keeps a dir the page set on the element', async () => {
      const login = await fixture<ChatLogin>(html`<chat-login lang="ar" dir="ltr"></chat-login>`);
      expect(login.getAttribute('dir')).to.equal('ltr');
      expect(logInTab(login)).to.equal(ar['login.logIn']);
    });
  });
});
