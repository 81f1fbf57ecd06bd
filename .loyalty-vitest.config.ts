// Temporary (loyalty helper): runs tests with migrations applied by pg directly while another
// area's migration trips Prisma's statement splitter. Deleted before hand-off.
import { defineConfig } from "vitest/config";
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["/tmp/rp/loy-global-setup.ts"],
    setupFiles: ["test/setup/each-file.ts"],
    pool: "forks",
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
