// Lint: typescript-eslint recommended, React hooks, and the server/client boundary —
// app/ may import server code only as types, except from *.server.ts modules.
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["build/", ".react-router/", "node_modules/", "server/db/generated/", ".data/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["app/**/*.{ts,tsx}"],
    ignores: ["app/**/*.server.ts"],
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "warn",
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["#server/*", "../server/*", "../../server/*", "../../../server/*"], allowTypeImports: true, message: "Client code may import server modules only as types (use a *.server.ts module or the load context)." },
            { group: ["**/db/generated/*", "@prisma/*", "pg"], message: "No database access from app/: go through the tRPC caller." },
          ],
        },
      ],
    },
  },
);
