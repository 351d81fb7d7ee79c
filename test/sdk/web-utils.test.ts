import { expect } from '@open-wc/testing';
import WebIM from '../../src/sdk/index.js';
import { mainServer } from '../support/servers.js';

describe('WebIM.utils', () => {
  it('ajax resolves the parsed JSON body and calls success', async () => {
    const server = await mainServer();
    let viaCallback: unknown;
    const body = (await WebIM.utils.ajax({
      url: `${server.url}/easemob/server.json?app_key=${encodeURIComponent('demo#chat')}`,
      success: (data) => (viaCallback = data),
    })) as { rest: { hosts: unknown[] } };
    expect(body.rest.hosts).to.not.be.empty;
    expect(viaCallback).to.equal(body);
  });

  it('ajax fails with {type: 17, data: responseText} and calls error', async () => {
    const server = await mainServer();
    let viaCallback: unknown;
    const error = await WebIM.utils
      .ajax({
        url: `${server.url}/nope${Date.now()}/app/token`,
        type: 'POST',
        data: { grant_type: 'password', username: 'a', password: 'b' },
        error: (e) => (viaCallback = e),
      })
      .catch((e: unknown) => e);
    expect(error).to.have.all.keys('type', 'data');
    expect(JSON.parse((error as { data: string }).data).error).to.equal(
      'organization_application_not_found',
    );
    expect(viaCallback).to.equal(error);
  });
});
