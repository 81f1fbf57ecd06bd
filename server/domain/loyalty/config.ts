// What the loyalty domain needs from the environment (links in emails, Stripe), read once through
// the validated env (server/env.ts). Order events and jobs reach the domain without a tRPC context,
// so this is resolved lazily; tests may override it with setLoyaltyConfig().
import { parseEnv } from "../../env.ts";

export interface LoyaltyConfig {
  appUrl: string;
  stripeSecretKey: string | null;
}

let config: LoyaltyConfig | undefined;

export function loyaltyConfig(): LoyaltyConfig {
  if (!config) {
    // SESSION_SECRET is irrelevant here; a placeholder keeps parseEnv from creating a secret file.
    const env = parseEnv({ ...process.env, SESSION_SECRET: "loyalty-config-placeholder-0000000000" });
    config = { appUrl: env.APP_URL, stripeSecretKey: env.STRIPE_SECRET_KEY ?? null };
  }
  return config;
}

export function setLoyaltyConfig(next: Partial<LoyaltyConfig> | undefined) {
  config = next ? { ...loyaltyConfig(), ...next } : undefined;
}

export function rewardsUrl(): string {
  return `${loyaltyConfig().appUrl}/rewards`;
}
