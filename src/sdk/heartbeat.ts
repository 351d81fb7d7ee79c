export interface Heartbeat {
  /** Something arrived from the server: the socket is alive. */
  alive(): void;
  stop(): void;
}

/**
 * Pings every `intervalMs`. When a whole interval passes with nothing from the server after a
 * ping, the socket is dead even if the browser has not noticed (sleep, network switch, a silent
 * proxy), so `dead()` is called and the connection reconnects.
 */
export function startHeartbeat(ping: () => void, dead: () => void, intervalMs: number): Heartbeat {
  let waiting = false;
  const timer = setInterval(() => {
    if (waiting) {
      clearInterval(timer);
      dead();
      return;
    }
    waiting = true;
    ping();
  }, intervalMs);
  return {
    alive: () => {
      waiting = false;
    },
    stop: () => clearInterval(timer),
  };
}
