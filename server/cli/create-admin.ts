// `npm run user:create-admin -- --email you@example.com [--name "Your Name"]`
// Creates (or promotes) an admin. The password is read from ADMIN_PASSWORD or asked for.
import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import { createAdmin } from "../domain/auth/accounts.ts";
import { emailSchema, passwordSchema } from "../domain/auth/schemas.ts";
import { openDatabase } from "../db/open.ts";
import { parseEnv } from "../env.ts";

const { values } = parseArgs({ options: { email: { type: "string" }, name: { type: "string" } } });
const email = emailSchema.safeParse(values.email ?? "");
if (!email.success) {
  console.error("usage: npm run user:create-admin -- --email you@example.com [--name \"Your Name\"]\n--email must be a valid email address.");
  process.exit(2);
}
let password = process.env.ADMIN_PASSWORD;
if (!password) {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  password = await rl.question("Password for the new admin (at least 10 characters): ");
  rl.close();
}
const pw = passwordSchema.safeParse(password);
if (!pw.success) {
  console.error(`Password rejected: ${pw.error.issues.map((i) => i.message.replace("errors.", "")).join(", ")} (at least 10 characters, not a common password).`);
  process.exit(2);
}
const database = await openDatabase(parseEnv());
try {
  const r = await createAdmin(database.db, { email: email.data, password: pw.data, name: values.name ?? null });
  console.log(r.created ? `Admin ${email.data} created.` : `${email.data} is now an admin (password updated).`);
} catch (e) {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
} finally {
  await database.close();
}
