import { connectDb, disconnectDb } from "./server/db/client.ts";
import { seedHelpCenter } from "./prisma/seed-help.ts";
import { seedFactories } from "./test/factories/random.ts";
import { searchArticles } from "./server/domain/help/search.ts";
const db = connectDb("postgresql://postgres@127.0.0.1:5432/help_scratch");
await db.$executeRawUnsafe(`TRUNCATE "HelpCategory", "HelpArticle", "HelpSearchLog", "HelpVote" CASCADE`);
const n = await seedHelpCenter(db as never, seedFactories(1));
console.log("seeded", n);
for (const [q, locale] of [["refnd", "en"], ["refund", "en"], ["returns", "en"], ["track my parcel", "en"], ["passwrd reset", "en"], ["退货", "zh-CN"], ["退款", "zh-CN"], ["会员积分", "zh-CN"], ["积", "zh-CN"], ["怎么退款呢", "zh-CN"], ["gift", "en"], ["refu", "en"]] as const) {
  const r = await searchArticles(db, { q, locale, limit: 3, prefix: q === "refu" });
  console.log(q, r.strategy, r.total, r.correctedQuery, r.hits.map((h) => h.slug).join(", "), "|", r.hits[0]?.snippet.map((p) => (p.mark ? `[${p.text}]` : p.text)).join("").slice(0, 160));
}
console.log(await db.helpSearchLog.findMany({ select: { query: true, resultCount: true }, distinct: ["query"] }));
await disconnectDb();
