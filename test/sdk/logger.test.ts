// WebIM.logger: the 4.x startup calls run, and the level decides what the SDK prints.
import { expect } from '@open-wc/testing';
import WebIM from '../../src/sdk/index.js';
import { safely } from '../../src/sdk/event-handlers.js';

/** What `console.warn` and `console.error` print while `run` runs. */
function printed(run: () => void): string[] {
  const lines: string[] = [];
  const { warn, error } = console;
  console.warn = (...args: unknown[]) => lines.push(`warn ${args.join(' ')}`);
  console.error = (...args: unknown[]) => lines.push(`error ${args.join(' ')}`);
  try {
    run();
  } finally {
    Object.assign(console, { warn, error });
  }
  return lines;
}

describe('WebIM.logger', () => {
  afterEach(() => {
    WebIM.logger.setLevel('WARN');
    WebIM.logger.setConsoleLogVisibility(true);
  });

  it('takes the 4.x startup calls', () => {
    const { logger } = WebIM;
    logger.setConfig({ useCache: false, maxCache: 3 * 1024 * 1024, color: '', background: '' });
    logger.setLevel('ERROR');
    expect(logger.getLevel()).to.equal(logger.levels.ERROR);
    logger.setLevel(1);
    expect(logger.getLevel()).to.equal(logger.levels.DEBUG);
    logger.enableAll();
    expect(logger.getLevel()).to.equal(logger.levels.TRACE);
    logger.disableAll();
    expect(logger.getLevel()).to.equal(logger.levels.SILENT);
    logger.setLevel('warn');
    expect(logger.getLevel()).to.equal(logger.levels.WARN);
  });

  it('prints what the level lets through, and nothing once disabled or hidden', () => {
    const { logger } = WebIM;
    logger.setLevel('ERROR');
    expect(printed(() => (logger.warn('w'), logger.error('e')))).to.deep.equal(['error e']);
    logger.enableAll();
    expect(printed(() => (logger.warn('w'), logger.error('e')))).to.deep.equal([
      'warn w',
      'error e',
    ]);
    logger.setConsoleLogVisibility(false);
    expect(printed(() => logger.error('e'))).to.deep.equal([]);
    logger.setConsoleLogVisibility(true);
    logger.disableAll();
    expect(printed(() => logger.error('e'))).to.deep.equal([]);
  });

  it('is what the SDK prints through: an app callback that throws is silent once disabled', () => {
    const thrower = () => {
      throw new Error('app bug');
    };
    expect(printed(() => safely(thrower))).to.deep.equal(['error Error: app bug']);
    WebIM.logger.disableAll();
    expect(printed(() => safely(thrower))).to.deep.equal([]);
  });

  it('refuses an unknown level as loglevel does', () => {
    expect(() => WebIM.logger.setLevel('LOUD' as 'WARN')).to.throw(
      TypeError,
      'log.setLevel() called with invalid level: LOUD',
    );
    expect(WebIM.logger.getLevel()).to.equal(WebIM.logger.levels.WARN);
  });
});
