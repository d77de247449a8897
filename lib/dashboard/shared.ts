/**
 * Single flight for dashboard aggregates: identical queries that arrive while one is already running wait for
 * that one instead of running again. Nothing is kept once the query finishes, so no answer is older than the
 * request that is waiting for it; under load (many people opening the overview at 09:00) the database runs
 * each aggregate once per wave instead of once per request. Callers must not mutate the shared result.
 */
const inflight = new Map<string, Promise<unknown>>();

export function singleFlight<T>(key: string, run: () => Promise<T>): Promise<T> {
  const running = inflight.get(key);
  if (running) return running as Promise<T>;
  const p = run().finally(() => inflight.delete(key));
  inflight.set(key, p);
  return p;
}
