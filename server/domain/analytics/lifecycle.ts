// Lifecycle stage from the purchase pattern and P(alive) (README "Analytics: models and accuracy"):
//   decline     — P(alive) < 0.5, or a one-time buyer whose purchase is more than 180 days old
//                 (BG/NBD gives P(alive) = 1 for x = 0, so the model alone cannot judge them);
//   exploration — one purchase day (x = 0) within the last 180 days;
//   formation   — 2–3 purchase days (x = 1–2) and P(alive) ≥ 0.5;
//   stability   — 4 or more purchase days (x ≥ 3) and P(alive) ≥ 0.5.

export const LIFECYCLE_STAGES = ["exploration", "formation", "stability", "decline"] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

export const ONE_TIME_BUYER_WINDOW_DAYS = 180;
export const ALIVE_THRESHOLD = 0.5;

export function lifecycleStage(x: number, recencyDays: number, pAlive: number): LifecycleStage {
  if (x === 0) return recencyDays > ONE_TIME_BUYER_WINDOW_DAYS ? "decline" : "exploration";
  if (pAlive < ALIVE_THRESHOLD) return "decline";
  return x <= 2 ? "formation" : "stability";
}
