// Resource route: downloads one attachment. The procedure decides who may (the customer who owns
// the ticket — never files on internal notes — or an agent/admin); everyone else gets 404.
import type { Route } from "./+types/attachment";
import { isTrpcCode } from "#app/lib/forms.server.ts";
import { signInRedirect } from "#app/lib/guards.server.ts";

export async function loader({ context, request, params }: Route.LoaderArgs) {
  if (!context.ctx.session) throw signInRedirect(request);
  try {
    const a = await context.trpc.support.attachment({ id: String(params.id ?? "") });
    const inline = a.contentType.startsWith("image/") || a.contentType === "application/pdf";
    return new Response(new Uint8Array(a.content), {
      headers: {
        "Content-Type": a.contentType === "text/plain" ? "text/plain; charset=utf-8" : a.contentType,
        "Content-Length": String(a.content.length),
        "Content-Disposition": `${inline ? "inline" : "attachment"}; filename*=UTF-8''${encodeURIComponent(a.filename)}`,
        "Cache-Control": "private, no-store",
        "Content-Security-Policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
        "X-Content-Type-Options": "nosniff",
      },
    });
  } catch (e) {
    if (isTrpcCode(e, "NOT_FOUND") || isTrpcCode(e, "BAD_REQUEST")) throw new Response("Not found", { status: 404 });
    throw e;
  }
}
