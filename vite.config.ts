// Vite builds the React Router app; Vitest reads the `test` section (the React Router plugin is
// left out under Vitest, which runs server code and tests, not the app bundle).
import { reactRouter } from "@react-router/dev/vite";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: process.env.VITEST ? [] : [reactRouter()],
  server: { port: 3000 },
  build: { target: "es2022" },
  test: {
    include: ["test/**/*.test.ts"],
    // The hardening suite has its own command (`npm run test:hardening`, vitest.hardening.config.ts).
    exclude: ["test/hardening/**", "node_modules/**"],
    globalSetup: ["test/setup/global-setup.ts"],
    setupFiles: ["test/setup/each-file.ts"],
    // Files run one at a time: they share one freshly migrated test database.
    pool: "forks",
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
