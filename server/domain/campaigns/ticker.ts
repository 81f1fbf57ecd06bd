// Runs tickCampaigns every few seconds in each process (the work is claimed with row locks, so
// several processes can run it). The same function is the durable path: state lives in the
// database, so a restarted process simply carries on.
import type { Db } from "../../db/client.ts";
import { tickCampaigns } from "./campaigns.ts";

export function startCampaignTicker(db: Db, opts: { intervalMs?: number; onError?: (e: unknown) => void; onWork?: () => void }) {
  let running: Promise<void> | undefined;
  const pass = () => {
    if (running) return;
    running = tickCampaigns(db)
      .then((r) => {
        if (r.launched || r.credited) opts.onWork?.();
      })
      .catch((e: unknown) => opts.onError?.(e))
      .finally(() => (running = undefined));
  };
  const timer = setInterval(pass, opts.intervalMs ?? 3000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
