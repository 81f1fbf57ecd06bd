// Imported first by test/bench/pages.ts (and the other benches that boot the app) (ES modules evaluate their imports in order, so this runs
// before React, React Router or the app are loaded): the bench measures the production app, and
// React and React Router pick their production or development builds from process.env.NODE_ENV
// when first loaded — as `npm run serve` (NODE_ENV=production) does. The load-generator worker
// inherits it.
process.env.NODE_ENV = "production";
