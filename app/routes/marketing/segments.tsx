// Saved segments: current size (latest snapshot), size over time as a small SVG sparkline with a
// table behind a disclosure, links to edit, and delete (refused while an unfinished campaign uses it).
import { Form, Link, useActionData, useNavigation, useSearchParams } from "react-router";
import type { Route } from "./+types/segments";
import { FormError, Notice, type FormResult } from "#app/components/form.tsx";
import { formatDate, translator } from "#app/i18n/index.ts";
import { attempt } from "#app/lib/forms.server.ts";
import { requireStaff } from "#app/lib/guards.server.ts";
import { useLocale, useT } from "#app/lib/i18n.ts";

export async function loader({ context, request }: Route.LoaderArgs) {
  requireStaff(context, request, "MARKETER");
  const segments = await context.trpc.segments.list();
  return { segments, title: translator(context.ctx.locale)("segments.title") };
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: `${data?.title ?? ""} · Rapport` }];
}

export async function action({ context, request }: Route.ActionArgs) {
  requireStaff(context, request, "MARKETER");
  const form = await request.formData();
  const r = await attempt(() => context.trpc.segments.delete({ id: String(form.get("id") ?? "") }));
  return "deleted" in r ? ({ ok: true } as FormResult) : r;
}

function Sparkline({ points, label }: { points: { size: number; takenAt: string | Date }[]; label: string }) {
  if (points.length < 2) return null;
  const W = 120;
  const H = 28;
  const max = Math.max(1, ...points.map((p) => p.size));
  const step = W / (points.length - 1);
  const d = points.map((p, i) => `${i ? "L" : "M"}${(i * step).toFixed(1)},${(H - 2 - (p.size / max) * (H - 4)).toFixed(1)}`).join(" ");
  return (
    <svg width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
      <path d={d} fill="none" stroke="#1f6f5c" strokeWidth="2" />
    </svg>
  );
}

export default function Segments({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const locale = useLocale();
  const { segments } = loaderData;
  const result = useActionData<typeof action>() as FormResult | undefined;
  const busy = useNavigation().state === "submitting";
  const [params] = useSearchParams();
  const int = new Intl.NumberFormat(locale);
  return (
    <section className="stack-lg">
      <header className="stack">
        <h1>{t("segments.title")}</h1>
        <p className="lead">{t("segments.intro")}</p>
        <p>
          <Link to="/marketing/segments/new" className="button">
            {t("segments.newSegment")}
          </Link>
        </p>
      </header>
      {result?.ok || params.get("deleted") ? <Notice>{t("segments.deleted")}</Notice> : null}
      <FormError error={result?.formError} />
      {segments.length === 0 ? (
        <p>{t("segments.empty")}</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">{t("segments.colName")}</th>
                <th scope="col">{t("segments.colSize")}</th>
                <th scope="col">{t("segments.colHistory")}</th>
                <th scope="col">{t("segments.colCampaigns")}</th>
                <th scope="col">{t("segments.colUpdated")}</th>
                <th scope="col">
                  <span className="visually-hidden">{t("segments.delete")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {segments.map((s) => (
                <tr key={s.id}>
                  <td>
                    <Link to={`/marketing/segments/${s.id}`}>{s.name}</Link>
                    {s.description ? <div className="hint">{s.description}</div> : null}
                  </td>
                  <td>{s.size === null ? t("segments.sizeUnknown") : t("segments.sizeAsOf", { size: int.format(s.size), date: formatDate(locale, s.sizeAt!) })}</td>
                  <td>
                    <Sparkline points={s.history} label={t("segments.historyCaption", { name: s.name })} />
                    {s.history.length ? (
                      <details>
                        <summary>{t("segments.showHistory")}</summary>
                        <table className="data-table">
                          <caption className="visually-hidden">{t("segments.historyCaption", { name: s.name })}</caption>
                          <thead>
                            <tr>
                              <th scope="col">{t("segments.historyDate")}</th>
                              <th scope="col">{t("segments.historySize")}</th>
                            </tr>
                          </thead>
                          <tbody>
                            {s.history.map((h, i) => (
                              <tr key={i}>
                                <td>{formatDate(locale, h.takenAt, "UTC", true)}</td>
                                <td>{int.format(h.size)}</td>
                              </tr>
                            ))}
                          </tbody>
                        </table>
                      </details>
                    ) : null}
                  </td>
                  <td>{int.format(s.activeCampaigns)}</td>
                  <td>{formatDate(locale, s.updatedAt)}</td>
                  <td>
                    <div className="actions">
                      <Link to={`/marketing/segments/${s.id}`}>{t("segments.edit")}</Link>
                      <Form method="post" className="inline-form">
                        <input type="hidden" name="id" value={s.id} />
                        <button type="submit" className="button small secondary" disabled={busy} aria-label={t("segments.deleteNamed", { name: s.name })}>
                          {t("segments.delete")}
                        </button>
                      </Form>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
