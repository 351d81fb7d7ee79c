/**
 * `WebIM.logger`: the 4.x SDK's logger (a loglevel logger), so startup code written for it runs:
 * `WebIM.logger.setLevel('ERROR')`, `.disableAll()`, `.enableAll()`, `.setConsoleLogVisibility()`,
 * `.setConfig()`. What the SDK itself prints (an exception thrown by an app's callback) goes
 * through it, so `disableAll()` silences the SDK.
 */

/** loglevel's levels, by name and number. */
export const LogLevels = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4, SILENT: 5 } as const;
export type LogLevelName = keyof typeof LogLevels;
export type LogLevel = (typeof LogLevels)[LogLevelName];

type Method = 'trace' | 'debug' | 'info' | 'warn' | 'error';
/** The methods of the levels, in order (TRACE is 0). */
const METHODS: Method[] = ['trace', 'debug', 'info', 'warn', 'error'];
const DEFAULT_LEVEL: LogLevel = LogLevels.WARN;

function toLevel(level: unknown): LogLevel {
  const value =
    typeof level === 'string' ? LogLevels[level.toUpperCase() as LogLevelName] : Number(level);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 5) {
    // loglevel's own error for the same call.
    throw new TypeError(`log.setLevel() called with invalid level: ${String(level)}`);
  }
  return value as LogLevel;
}

type Print = (...args: unknown[]) => void;

class Logger {
  readonly levels = LogLevels;
  #level: LogLevel = DEFAULT_LEVEL;
  #default: LogLevel = DEFAULT_LEVEL;
  #visible = true;

  declare trace: Print;
  declare debug: Print;
  declare info: Print;
  /** loglevel's alias of `debug`. */
  declare log: Print;
  declare warn: Print;
  declare error: Print;

  constructor() {
    // Each level's method prints with the console's method of the same name, at that level.
    METHODS.forEach((method, level) => {
      this[method] = (...args) => this.#print(level as LogLevel, method, args);
    });
    this.log = this.debug;
  }

  getLevel(): LogLevel {
    return this.#level;
  }

  /** A level name (`'error'`, `'WARN'`…) or number; `persist` is accepted and not kept. */
  setLevel(level: LogLevelName | Lowercase<LogLevelName> | LogLevel, _persist?: boolean): void {
    this.#level = toLevel(level);
  }

  setDefaultLevel(level: LogLevelName | Lowercase<LogLevelName> | LogLevel): void {
    this.#default = toLevel(level);
  }

  resetLevel(): void {
    this.#level = this.#default;
  }

  enableAll(_persist?: boolean): void {
    this.#level = LogLevels.TRACE;
  }

  disableAll(_persist?: boolean): void {
    this.#level = LogLevels.SILENT;
  }

  /** 4.x: hides (or shows again) what the SDK prints, without changing the level. */
  setConsoleLogVisibility(visible: boolean): void {
    this.#visible = visible !== false;
  }

  /**
   * 4.x: `{useCache, maxCache, color, background}` configure the real SDK's log cache and colours;
   * this SDK keeps no log cache, so they change nothing here.
   */
  setConfig(_config?: object): void {}

  #print(level: LogLevel, method: Method, args: unknown[]): void {
    if (!this.#visible || level < this.#level || typeof console === 'undefined') return;
    console[method](...args);
  }
}

export const logger = new Logger();
export type { Logger };
