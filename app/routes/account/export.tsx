// Resource route: "Download my data" — one JSON file with everything Rapport holds about the
// signed-in customer (built by privacy.export, which only ever reads the caller's own customer).
import type { Route } from "./+types/export";
import { requireCustomer } from "#app/lib/guards.server.ts";
import { isTrpcCode } from "#app/lib/forms.server.ts";
import { translator } from "#app/i18n/index.ts";

export async function loader({ context, request }: Route.LoaderArgs) {
  requireCustomer(context, request);
  try {
    const document = await context.trpc.privacy.export();
    const body = JSON.stringify(document, null, 2);
    const date = document.exportedAt.slice(0, 10);
    return new Response(body, {
      headers: {
        "Content-Type": "application/json; charset=utf-8",
        "Content-Disposition": `attachment; filename="rapport-data-${date}.json"`,
        "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff",
      },
    });
  } catch (e) {
    // A login whose customer claim awaits email confirmation has nothing to export yet.
    if (isTrpcCode(e, "FORBIDDEN")) throw new Response(translator(context.ctx.locale)("account.downloadNeedsVerification"), { status: 403, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    throw e;
  }
}
