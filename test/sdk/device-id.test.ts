import { expect } from '@open-wc/testing';
import { getDeviceId } from '../../src/sdk/device-id.js';

describe('device id', () => {
  it('is kept in localStorage, so a reload is the same device', () => {
    const id = getDeviceId();
    expect(id).to.be.a('string').and.not.empty;
    expect(localStorage.getItem('openwebim:deviceId')).to.equal(id);
    expect(getDeviceId()).to.equal(id);
  });

  it('takes options.deviceId when given', () => {
    expect(getDeviceId('kiosk-7')).to.equal('kiosk-7');
  });
});
