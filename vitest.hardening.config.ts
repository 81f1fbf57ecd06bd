// `npm run test:hardening` (issue #13): faults, hostile input, cross-customer probing and
// accessibility, against the real app on the run's own fresh database. Same setup as the main
// suite, plus a report: every test records what it tried and what got through
// (test/hardening/report.ts), and the teardown prints the table and writes hardening-results.json.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/hardening/**/*.test.ts"],
    globalSetup: ["test/hardening/global-setup.ts"],
    setupFiles: ["test/setup/each-file.ts"],
    pool: "forks",
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 240_000,
  },
});
