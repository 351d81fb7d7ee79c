import { expect } from '@open-wc/testing';
import WebIM, { type ErrorEvent, type TextMessage } from '../../src/sdk/index.js';
import { disposeServer, freePort, mainServer, startServer } from '../support/servers.js';
import { Recorder, closeAll, connection, loggedIn, newUser } from './sdk-fixtures.js';

describe('isHttpDNS', () => {
  afterEach(closeAll);

  it('fails over past a dead first host, for REST and for the socket', async () => {
    const dead = await freePort();
    const live = await freePort();
    const own = await startServer(
      {
        OPENWEBIM_REST_HOSTS: `http://127.0.0.1:${dead},http://127.0.0.1:${live}`,
        OPENWEBIM_WS_HOSTS: `ws://127.0.0.1:${dead},ws://127.0.0.1:${live}`,
      },
      live,
    );
    // Watch (not replace) fetch, to see which hosts the SDK tried in which order.
    const requested: string[] = [];
    const realFetch = window.fetch;
    window.fetch = (input, init) => {
      requested.push(String(input));
      return realFetch(input, init);
    };
    try {
      expect(own.port).to.equal(live);
      // apiUrl names the dead host: everything that works went through the DNS list.
      const options = {
        isHttpDNS: true,
        dnsUrl: own.url,
        apiUrl: `http://127.0.0.1:${dead}`,
        autoReconnectInterval: 0.05,
      };
      const conn = connection(own, options);
      const events = new Recorder(conn);
      const user = { username: `dns${Date.now().toString(36)}`, password: 'secret' };
      await conn.registerUser(user);
      expect(requested.map((url) => new URL(url).port)).to.deep.equal([
        String(live), // server.json
        String(dead),
        String(live),
      ]);
      await conn.open({ user: user.username, pwd: user.password });
      // The live REST host is remembered; the socket tried the dead host first, then the next.
      expect(new URL(requested.at(-1)!).port).to.equal(String(live));
      expect(events.names().slice(0, 3)).to.deep.equal([
        'onReconnecting',
        'onOpened',
        'onConnected',
      ]);

      const bob = await loggedIn(own);
      await bob.conn.send(WebIM.message.create({ type: 'txt', to: user.username, msg: 'via dns' }));
      const [message] = (await events.wait('onTextMessage')) as [TextMessage];
      expect(message.msg).to.equal('via dns');
    } finally {
      window.fetch = realFetch;
      await disposeServer(own.id);
    }
  });

  it('reports an unreadable DNS list as 304 (SERVER_GET_DNSLIST_FAILED)', async () => {
    const server = await mainServer();
    const user = await newUser(server);
    const conn = connection(server, {
      isHttpDNS: true,
      dnsUrl: `http://127.0.0.1:${await freePort()}`,
    });
    const events = new Recorder(conn);
    const error = (await conn
      .open({ user: user.username, pwd: user.password })
      .catch((e) => e)) as ErrorEvent;
    expect(error.type).to.equal(WebIM.statusCode.SERVER_GET_DNSLIST_FAILED);
    expect(events.all('onError')).to.deep.equal([[error]]);
    expect(conn.isOpened()).to.equal(false);
  });
});
