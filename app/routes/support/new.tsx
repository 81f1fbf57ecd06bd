// A customer opens a request: subject, message, category, optionally one of their orders
// (?order=<number> preselects it), and attachments (multipart; checked on the server). While the
// subject is typed, matching help articles are suggested (deflection); this works without JS too:
// after a failed submit the suggestions for the subject are shown.
import { useEffect, useRef, useState } from "react";
import { Form, redirect, useActionData, useFetcher, useNavigation } from "react-router";
import type { Route } from "./+types/new";
import { Field, FormError, type FormResult } from "#app/components/form.tsx";
import { fieldMessage, translator } from "#app/i18n/index.ts";
import { attempt, formValues } from "#app/lib/forms.server.ts";
import { requireCustomer } from "#app/lib/guards.server.ts";
import { useT } from "#app/lib/i18n.ts";
import { filesFrom } from "./files.server.ts";

export async function loader({ context, request }: Route.LoaderArgs) {
  requireCustomer(context, request);
  const url = new URL(request.url);
  const [orders, categories] = await Promise.all([context.trpc.support.orderChoices(), context.trpc.support.categories()]);
  const wanted = url.searchParams.get("order") ?? "";
  // Only the customer's own orders can be preselected.
  const order = orders.some((o) => o.number === wanted) ? wanted : "";
  return { orders, categories, order, title: translator(context.ctx.locale)("support.newTitle") };
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: `${data?.title ?? ""} · Rapport` }];
}

export async function action({ request, context }: Route.ActionArgs) {
  requireCustomer(context, request);
  const form = await request.formData();
  const values = formValues(form, "subject", "body", "category", "order");
  const attachments = await filesFrom(form);
  const r = await attempt(
    () => context.trpc.support.create({ subject: values.subject!, body: values.body!, category: values.category || undefined, orderNumber: values.order || null, attachments }),
    values,
  );
  if ("number" in r) throw redirect(`/support/${r.number}?created=1`);
  const suggestions = values.subject ? await context.trpc.help.suggest({ q: values.subject.slice(0, 200) }).catch(() => []) : [];
  return { ...(r as unknown as object), suggestions } as FormResult & { suggestions: Suggestion[] };
}

interface Suggestion {
  slug: string;
  title: string;
  summary: string;
}

function Suggestions({ items }: { items: Suggestion[] }) {
  const t = useT();
  if (!items.length) return null;
  return (
    <aside className="panel" aria-labelledby="suggestions-h" aria-live="polite">
      <h2 id="suggestions-h">{t("support.suggestionsTitle")}</h2>
      <p className="hint">{t("support.suggestionsHint")}</p>
      <ul className="plain-list">
        {items.map((s) => (
          <li key={s.slug}>
            {/* The help center records "help.suggestion_opened" for ?from=ticket-form (deflection). */}
            <a href={`/help/${encodeURIComponent(s.slug)}?from=ticket-form`} target="_blank" rel="noopener">
              {s.title}
            </a>
            {s.summary ? <p className="hint">{s.summary}</p> : null}
          </li>
        ))}
      </ul>
    </aside>
  );
}

export default function NewTicket({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const { orders, categories, order } = loaderData;
  const result = useActionData<typeof action>() as (FormResult & { suggestions?: Suggestion[] }) | undefined;
  const busy = useNavigation().state === "submitting";
  const fe = result?.fieldErrors ?? {};
  const v = result?.values;
  const fetcher = useFetcher<{ suggestions: Suggestion[] }>();
  const [subject, setSubject] = useState(v?.subject ?? "");
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const onSubject = (q: string) => {
    setSubject(q);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      if (q.trim().length >= 3) void fetcher.load(`/support/suggest?q=${encodeURIComponent(q.trim())}`);
    }, 250);
  };
  const suggestions = subject.trim().length >= 3 && fetcher.data ? fetcher.data.suggestions : (result?.suggestions ?? []);
  const errorText = (k: string) => fieldMessage(t, fe[k]);

  return (
    <section className="stack-lg narrow">
      <header>
        <h1>{t("support.newTitle")}</h1>
        <p>{t("support.newIntro")}</p>
      </header>
      <FormError error={result?.formError} />
      <Form method="post" encType="multipart/form-data" className="stack" noValidate>
        <Field name="subject" label={t("support.subjectLabel")} hint={t("support.subjectHint")} maxLength={200} required value={subject} onChange={(e) => onSubject(e.currentTarget.value)} error={fe.subject} autoComplete="off" />
        <Suggestions items={suggestions} />
        <div className={`field${fe.category ? " has-error" : ""}`}>
          <label htmlFor="category">{t("support.categoryLabel")}</label>
          <select id="category" name="category" defaultValue={v?.category ?? (order ? "order" : "general")} aria-invalid={fe.category ? true : undefined}>
            {categories.map((c) => (
              <option key={c} value={c}>
                {t(`support.category${c}`)}
              </option>
            ))}
          </select>
          {fe.category ? <p className="field-error" role="alert">{errorText("category")}</p> : null}
        </div>
        {orders.length ? (
          <div className={`field${fe.order ? " has-error" : ""}`}>
            <label htmlFor="order">{t("support.orderLabel")}</label>
            <select id="order" name="order" defaultValue={v?.order ?? order} aria-invalid={fe.order ? true : undefined}>
              <option value="">{t("support.orderNone")}</option>
              {orders.map((o) => (
                <option key={o.id} value={o.number}>
                  {o.number}
                </option>
              ))}
            </select>
            {fe.order ? <p className="field-error" role="alert">{errorText("order")}</p> : null}
          </div>
        ) : null}
        <div className={`field${fe.body ? " has-error" : ""}`}>
          <label htmlFor="body">{t("support.messageLabel")}</label>
          <textarea id="body" name="body" rows={8} required defaultValue={v?.body ?? ""} aria-invalid={fe.body ? true : undefined} aria-describedby={fe.body ? "body-error" : undefined} />
          {fe.body ? (
            <p id="body-error" className="field-error" role="alert">
              {errorText("body")}
            </p>
          ) : null}
        </div>
        <div className={`field${fe.attachments ? " has-error" : ""}`}>
          <label htmlFor="attachments">{t("support.attachmentsLabel")}</label>
          <p id="attachments-hint" className="hint">
            {t("support.attachmentsHint")}
          </p>
          <input id="attachments" name="attachments" type="file" multiple accept="image/*,application/pdf,text/plain" aria-describedby={fe.attachments ? "attachments-hint attachments-error" : "attachments-hint"} aria-invalid={fe.attachments ? true : undefined} />
          {fe.attachments ? (
            <p id="attachments-error" className="field-error" role="alert">
              {errorText("attachments")}
            </p>
          ) : null}
        </div>
        <div className="actions">
          <button type="submit" className="button" disabled={busy}>
            {t("support.send")}
          </button>
        </div>
      </Form>
    </section>
  );
}
