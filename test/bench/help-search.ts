// `npm run bench:help`: help search latency over a large help center.
// Creates its own database `rapport_bench_help` on DATABASE_URL's server (default: the local
// PostgreSQL at 127.0.0.1:5432; never touches the database DATABASE_URL names), migrates it,
// generates BENCH_HELP_ARTICLES articles (default 10,000: half English, half Chinese, built from
// the seeded help texts with varied vocabulary), then times the search page's code path — the
// help.search procedure (searchArticles + the search log row) through a tRPC caller, as the
// /help/search loader calls it — and help.suggest (as-you-type) for English, misspelled English,
// Chinese and Chinese-sentence queries. Prints a Markdown table and the `npm run bench` row
// (reportBenchRows: p95 over all queries, target ≤ 20 ms); progress on stderr.
// Knobs (env): BENCH_HELP_ARTICLES (10000), BENCH_HELP_ITERATIONS (30 per query), BENCH_HELP_KEEP=1
// (reuse the generated database if it already has the articles).
import os from "node:os";
import pg from "pg";
import { connectDb, db, disconnectDb } from "../../server/db/client.ts";
import { migrate } from "../../server/db/migrate.ts";
import { HELP_ARTICLES } from "../../prisma/seed-help.ts";
import { searchArticles } from "../../server/domain/help/search.ts";
import { callerAs } from "../setup/harness.ts";
import { intEnv, machine, percentile as pct, recreateBenchDatabase, reportBenchRows, type BenchRow } from "./lib.ts";

const BENCH_DB = "rapport_bench_help";
const N = intEnv("BENCH_HELP_ARTICLES", 10_000, 2);
const ITER = intEnv("BENCH_HELP_ITERATIONS", 30);
const TARGET_MS = 20;
const log = (m: string) => process.stderr.write(`[bench:help] ${m}\n`);

const server = new URL(process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres");
const url = new URL(server);
url.pathname = `/${BENCH_DB}`;

// Deterministic pseudo-random numbers (the same corpus every run).
let seed = 20261123;
const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;

const EN_WORDS = "warranty voucher invoice courier locker pickup bundle preorder backorder subscription gift wrapping engraving assembly installation battery charger cable adapter headphones kettle blender espresso grinder mattress pillow duvet curtain lamp sofa wardrobe bicycle helmet tent backpack stroller crib toy puzzle novel atlas camera lens tripod printer ink toner monitor keyboard mouse router modem tablet stylus watch strap ring necklace perfume lotion shampoo vitamin coffee tea chocolate".split(" ");
const ZH_WORDS = "保修 优惠券 发票 快递柜 自提 套装 预售 缺货 订阅 礼品包装 刻字 组装 安装 电池 充电器 数据线 转换器 耳机 水壶 搅拌机 咖啡机 磨豆机 床垫 枕头 被子 窗帘 台灯 沙发 衣柜 自行车 头盔 帐篷 背包 婴儿车 婴儿床 玩具 拼图 小说 地图 相机 镜头 三脚架 打印机 墨盒 显示器 键盘 鼠标 路由器 平板 手写笔 手表 表带 戒指 项链 香水 乳液 洗发水 维生素 茶叶 巧克力".split(" ");

async function prepare() {
  if (process.env.BENCH_HELP_KEEP === "1") {
    const admin = new pg.Client({ connectionString: server.toString() });
    await admin.connect();
    const exists = (await admin.query("select 1 from pg_database where datname = $1", [BENCH_DB])).rowCount;
    await admin.end();
    if (exists) {
      await migrate(url.toString());
      connectDb(url.toString(), { max: 4 });
      const n = await db().helpArticle.count();
      if (n >= N) {
        log(`reusing ${BENCH_DB} with ${n} articles`);
        return n;
      }
      await disconnectDb();
    }
  }
  await recreateBenchDatabase(server.toString(), BENCH_DB, log);
  log(`migrating ${BENCH_DB}`);
  await migrate(url.toString());
  connectDb(url.toString(), { max: 4 });
  const cats = ["orders", "returns", "points", "tiers", "account", "privacy", "shipping", "payment"];
  await db().helpCategory.createMany({ data: cats.map((slug, position) => ({ id: `bench-${slug}`, slug, nameEn: slug, nameZh: slug, position })) });
  const started = Date.now();
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  const BATCH = 250;
  const pairs = Math.ceil(N / 2);
  for (let start = 0; start < pairs; start += BATCH) {
    const values: unknown[] = [];
    const tuples: string[] = [];
    for (let i = start; i < Math.min(pairs, start + BATCH); i++) {
      const src = HELP_ARTICLES[i % HELP_ARTICLES.length]!;
      const extraEn = Array.from({ length: 12 }, () => pick(EN_WORDS)).join(" ");
      const extraZh = Array.from({ length: 12 }, () => pick(ZH_WORDS)).join("，");
      const published = i % 20 !== 0; // 5 % drafts, as in real life
      for (const [loc, title, summary, body, slug] of [
        ["en", `${src.en.title} (${pick(EN_WORDS)} ${i})`, src.en.summary, `${src.en.body}\n\n${extraEn}.`, `${src.slug}-${i}`],
        ["zh_CN", `${src.zh.title}（${pick(ZH_WORDS)} ${i}）`, src.zh.summary, `${src.zh.body}\n\n${extraZh}。`, `${src.slug}-zh-${i}`],
      ] as const) {
        const b = values.length;
        values.push(`bench-${loc}-${i}`, `${src.key}.${i}`, loc, slug, title, summary, body, `bench-${src.category}`, published ? new Date(Date.now() - 86_400_000) : null, Math.floor(rnd() * 5000));
        tuples.push(`($${b + 1},$${b + 2},$${b + 3}::"Locale",$${b + 4},$${b + 5},$${b + 6},$${b + 7},$${b + 8},$${b + 9},$${b + 10},now())`);
      }
    }
    await client.query(`INSERT INTO "HelpArticle" (id,"translationKey",locale,slug,title,summary,"bodyMarkdown","categoryId","publishedAt","viewCount","updatedAt") VALUES ${tuples.join(",")}`, values);
    if ((start / BATCH) % 8 === 0) log(`${Math.min(pairs, start + BATCH) * 2} / ${pairs * 2} articles`);
  }
  await client.query("ANALYZE");
  await client.end();
  const n = await db().helpArticle.count();
  log(`generated ${n} articles (search index maintained by the trigger) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return n;
}

const QUERIES: { name: string; q: string; locale: "en" | "zh-CN"; prefix?: boolean }[] = [
  { name: "English, one word", q: "refund", locale: "en" },
  { name: "English, three words", q: "track my parcel", locale: "en" },
  { name: "English, misspelled (trigram correction)", q: "refnd", locale: "en" },
  { name: "English, no match (all fallbacks)", q: "xylophone zeppelin", locale: "en" },
  { name: "English, as you type (prefix, suggest)", q: "passw", locale: "en", prefix: true },
  { name: "Chinese, 退货", q: "退货", locale: "zh-CN" },
  { name: "Chinese, 会员积分", q: "会员积分", locale: "zh-CN" },
  { name: "Chinese, sentence (any-word fallback)", q: "怎么申请退款呢", locale: "zh-CN" },
];

async function main() {
  const n = await prepare();
  // The search page's path: the help.search procedure (what the /help/search loader calls), as an
  // anonymous visitor; as-you-type is help.suggest (the typeahead route).
  const { caller } = await callerAs();
  const search = async (q: (typeof QUERIES)[number]) => {
    if (q.prefix) {
      const hits = await caller.help.suggest({ q: q.q, locale: q.locale });
      return hits.length;
    }
    const r = await caller.help.search({ q: q.q, locale: q.locale });
    return r.total;
  };
  const rows: string[] = [];
  const all: number[] = [];
  const perQuery: Record<string, { results: number; p50: number; p95: number; max: number }> = {};
  for (const q of QUERIES) {
    for (let i = 0; i < 3; i++) await search(q); // warm-up
    const times: number[] = [];
    let total = 0;
    for (let i = 0; i < ITER; i++) {
      const t0 = performance.now();
      total = await search(q);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    all.push(...times);
    perQuery[q.q] = { results: total, p50: +pct(times, 50).toFixed(2), p95: +pct(times, 95).toFixed(2), max: +times.at(-1)!.toFixed(2) };
    rows.push(`| ${q.name} | \`${q.q}\` | ${total} | ${pct(times, 50).toFixed(1)} | ${pct(times, 95).toFixed(1)} | ${times.at(-1)!.toFixed(1)} |`);
    log(`${q.name}: p95 ${pct(times, 95).toFixed(1)} ms`);
  }
  all.sort((a, b) => a - b);
  const p95 = pct(all, 95);
  // For the record: the same queries through searchArticles alone (no tRPC, no search-log row).
  const fnTimes: number[] = [];
  for (const q of QUERIES) {
    const opts = { q: q.q, locale: q.locale, limit: q.prefix ? 5 : 10, prefix: q.prefix, snippets: !q.prefix };
    for (let i = 0; i < ITER; i++) {
      const t0 = performance.now();
      await searchArticles(db(), opts);
      fnTimes.push(performance.now() - t0);
    }
  }
  fnTimes.sort((a, b) => a - b);
  const load = os.loadavg().map((v) => v.toFixed(2)).join(" ");
  console.log(`\n### Help search over ${n.toLocaleString("en")} articles (${new Date().toISOString().slice(0, 10)}, ${machine().cores} cores, load ${load}, ${ITER} runs per query, sequential)\n`);
  console.log("| query | text | results | p50 ms | p95 ms | max ms |");
  console.log("| --- | --- | --- | --- | --- | --- |");
  for (const r of rows) console.log(r);
  console.log(`| **all queries** | | | ${pct(all, 50).toFixed(1)} | **${p95.toFixed(1)}** | ${all.at(-1)!.toFixed(1)} |`);
  console.log(`| all queries, searchArticles() alone (no tRPC, no log row) | | | ${pct(fnTimes, 50).toFixed(1)} | ${pct(fnTimes, 95).toFixed(1)} | ${fnTimes.at(-1)!.toFixed(1)} |`);
  const row: BenchRow = {
    path: `help search (help.search / help.suggest), ${n.toLocaleString("en")} articles en + zh`,
    product: `p95 ${p95.toFixed(1)} ms (p50 ${pct(all, 50).toFixed(1)} ms, ${QUERIES.length} queries × ${ITER})`,
    baseline: null,
    ratio: null,
    target: `p95 ≤ ${TARGET_MS} ms`,
    pass: p95 <= TARGET_MS,
    note: `load ${load}; searchArticles() alone p95 ${pct(fnTimes, 95).toFixed(1)} ms`,
    data: { articles: n, iterations: ITER, p50: +pct(all, 50).toFixed(2), p95: +p95.toFixed(2), max: +all.at(-1)!.toFixed(2), searchArticlesP95: +pct(fnTimes, 95).toFixed(2), searchArticlesP50: +pct(fnTimes, 50).toFixed(2), loadavg: os.loadavg(), machine: machine(), perQuery },
  };
  await disconnectDb();
  reportBenchRows([row]);
}

main().catch(async (e) => {
  console.error(e);
  await disconnectDb().catch(() => {});
  process.exit(1);
});
