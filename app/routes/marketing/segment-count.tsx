// Resource route for the rule builder's live count: GET with the builder's form fields as the query
// string → { count, customers } or { fieldErrors }. Same procedure (and SQL) as the "Count" button.
import { data } from "react-router";
import type { Route } from "./+types/segment-count";
import type { FieldMessage } from "#app/i18n/index.ts";
import { attempt, isFormFailure } from "#app/lib/forms.server.ts";
import { requireStaff } from "#app/lib/guards.server.ts";
import { rulesFromForm } from "./segment-form.ts";

export interface CountResult {
  ok: boolean;
  count?: number;
  customers?: { id: string; email: string; name: string | null; tier: string; locale: "en" | "zh-CN" }[];
  fieldErrors?: Record<string, FieldMessage>;
  formError?: FieldMessage | null;
}

export async function loader({ context, request }: Route.LoaderArgs) {
  requireStaff(context, request, "MARKETER");
  const params = new URL(request.url).searchParams;
  const r = await attempt(() => context.trpc.segments.preview({ rules: rulesFromForm(params) as object }));
  if (isFormFailure(r)) return data<CountResult>({ ok: false, fieldErrors: r.data.fieldErrors, formError: r.data.formError }, { headers: { "cache-control": "no-store" } });
  return data<CountResult>({ ok: true, count: r.count, customers: r.customers }, { headers: { "cache-control": "no-store" } });
}
