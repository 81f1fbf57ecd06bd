// Staff: write or edit one help article (agents and admins). Live preview while typing (a
// debounced call to help.preview, the same renderer and sanitiser as the public page); without
// JavaScript the "Preview" button posts the form and shows the preview. Every save is a revision;
// the history lists them and can restore one (as a new save). All actions are audited.
import { useEffect, useState } from "react";
import { data, Form, Link, redirect, useActionData, useNavigation } from "react-router";
import type { Route } from "./+types/help-edit";
import { Field, FormError, Notice, type FormResult } from "#app/components/form.tsx";
import { fieldMessage, formatDate, translator, type FieldMessage } from "#app/i18n/index.ts";
import { attempt, formValues, isTrpcCode } from "#app/lib/forms.server.ts";
import { requireStaff } from "#app/lib/guards.server.ts";
import { useLocale, useT } from "#app/lib/i18n.ts";
import "../help/help.css";

const FIELDS = ["locale", "slug", "title", "summary", "bodyMarkdown", "categoryId", "note", "translationKey"] as const;

export async function loader({ context, request, params }: Route.LoaderArgs) {
  requireStaff(context, request, "AGENT");
  const url = new URL(request.url);
  const t = translator(context.ctx.locale);
  const categories = await context.trpc.help.categories();
  let article = null;
  if (params.id) {
    try {
      article = await context.trpc.help.staffGet({ id: params.id });
    } catch (e) {
      if (isTrpcCode(e, "NOT_FOUND") || isTrpcCode(e, "BAD_REQUEST")) throw data(null, { status: 404 });
      throw e;
    }
  }
  // "Add the translation": a new article in the other language with the same key and category.
  let prefill: { translationKey: string; locale: "en" | "zh-CN"; categoryId: string } | null = null;
  const of = url.searchParams.get("translationOf");
  if (!article && of) {
    const source = await context.trpc.help.staffGet({ id: of.slice(0, 100) }).catch(() => null);
    if (source) prefill = { translationKey: source.translationKey, locale: source.locale === "en" ? "zh-CN" : "en", categoryId: source.categoryId };
  }
  // The preview is rendered on the server too, so it shows without JavaScript.
  const initialPreview = article ? (await context.trpc.help.preview({ bodyMarkdown: article.bodyMarkdown })).html : null;
  return { article, categories, prefill, initialPreview, saved: url.searchParams.get("saved"), title: t(article ? "help.editArticle" : "help.newArticle") };
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: `${data?.title ?? ""} · Rapport` }];
}

export async function action({ context, request, params }: Route.ActionArgs) {
  requireStaff(context, request, "AGENT");
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const values = formValues(form, ...FIELDS);
  if (intent === "preview") {
    const r = await attempt(() => context.trpc.help.preview({ bodyMarkdown: values.bodyMarkdown ?? "" }), values);
    return "html" in r ? { intent, ok: true, previewHtml: r.html, values } : r;
  }
  if (intent === "publish" || intent === "unpublish") {
    const r = await attempt(() => context.trpc.help.setPublished({ id: params.id ?? "", published: intent === "publish" }));
    return "published" in r ? { intent, ok: true } : r;
  }
  if (intent === "restore") {
    const r = await attempt(() => context.trpc.help.restoreRevision({ revisionId: String(form.get("revisionId") ?? "") }));
    return "id" in r ? { intent, ok: true } : r;
  }
  if (intent === "save" || intent === "save-publish") {
    const r = await attempt(
      () =>
        context.trpc.help.save({
          id: params.id,
          translationKey: values.translationKey || undefined,
          locale: (values.locale === "zh-CN" ? "zh-CN" : values.locale === "en" ? "en" : "x") as "en",
          slug: values.slug!,
          title: values.title!,
          summary: values.summary ?? "",
          bodyMarkdown: values.bodyMarkdown!,
          categoryId: values.categoryId!,
          publish: intent === "save-publish",
          note: values.note ?? "",
        }),
      values,
    );
    if ("id" in r) return redirect(`/staff/help/${r.id}?saved=${r.published ? "published" : "draft"}`);
    return r;
  }
  return { ok: false, formError: "errors.invalid" as FieldMessage, fieldErrors: {} };
}

/** Renders the preview while the author types; a failed request leaves the last preview. */
function useLivePreview(body: string, initial: string | null) {
  const [html, setHtml] = useState<string | null>(initial);
  useEffect(() => {
    const ctrl = new AbortController();
    const timer = setTimeout(async () => {
      try {
        const res = await fetch("/api/trpc/help.preview", {
          method: "POST",
          signal: ctrl.signal,
          headers: { "content-type": "application/json", "x-rapport-client": "help-editor" },
          body: JSON.stringify({ bodyMarkdown: body }),
        });
        if (!res.ok) return;
        const json = (await res.json()) as { result?: { data?: { html: string } } };
        if (json.result?.data) setHtml(json.result.data.html);
      } catch {
        // aborted or offline
      }
    }, 350);
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
  }, [body]);
  return html;
}

type ActionResult = FormResult & { intent?: string; previewHtml?: string };

export default function HelpEdit({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const locale = useLocale();
  const { article, categories, prefill, saved, initialPreview } = loaderData;
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const busy = useNavigation().state === "submitting";
  const v = result?.values;
  const fe = result?.fieldErrors ?? {};
  const initialBody = v?.bodyMarkdown ?? article?.bodyMarkdown ?? "";
  const [body, setBody] = useState(initialBody);
  const [typed, setTyped] = useState(false);
  const live = useLivePreview(typed ? body : initialBody, result?.previewHtml ?? initialPreview);
  const previewHtml = result?.intent === "preview" && !typed ? result.previewHtml : live;
  const articleLocale = v?.locale ?? article?.locale ?? prefill?.locale ?? "en";
  const other = articleLocale === "en" ? "zh-CN" : "en";
  const otherName = other === "en" ? "English" : "简体中文";

  return (
    <section className="stack-lg">
      <p>
        <Link to="/staff/help">← {t("help.staffTitle")}</Link>
      </p>
      <h1>{article ? t("help.editArticle") : t("help.newArticle")}</h1>
      {saved === "published" ? <Notice>{t("help.savedPublished")}</Notice> : saved === "draft" ? <Notice>{t("help.savedDraft")}</Notice> : null}
      {result?.ok && result.intent === "publish" ? <Notice>{t("help.published")}</Notice> : null}
      {result?.ok && result.intent === "unpublish" ? <Notice>{t("help.unpublished")}</Notice> : null}
      {result?.ok && result.intent === "restore" ? <Notice>{t("help.restored")}</Notice> : null}
      {result && !result.ok ? <FormError error={result.formError} /> : null}

      {article ? (
        <div className="actions">
          <span className={`badge${article.published ? "" : " badge-draft"}`}>{article.published ? t("help.statusPublished") : t("help.statusDraft")}</span>
          {article.published ? (
            <Link to={`/help/${article.slug}`} target="_blank" rel="noopener">
              {t("help.viewLive")}
            </Link>
          ) : null}
          <Form method="post" className="inline-form">
            <input type="hidden" name="intent" value={article.published ? "unpublish" : "publish"} />
            <button type="submit" className="button small secondary" disabled={busy}>
              {article.published ? t("help.unpublish") : t("help.publish")}
            </button>
          </Form>
        </div>
      ) : null}

      <div className="help-editor">
        <Form method="post" className="stack panel" noValidate>
          <input type="hidden" name="translationKey" value={v?.translationKey ?? article?.translationKey ?? prefill?.translationKey ?? ""} />
          <div className={`field${fe.locale ? " has-error" : ""}`}>
            <label htmlFor="h-locale">{t("help.fieldLocale")}</label>
            <select id="h-locale" name="locale" defaultValue={articleLocale} aria-invalid={fe.locale ? true : undefined}>
              <option value="en">English</option>
              <option value="zh-CN">简体中文</option>
            </select>
            {fe.locale ? (
              <p className="field-error" role="alert">
                {fieldMessage(t, fe.locale)}
              </p>
            ) : null}
          </div>
          <Field name="slug" label={t("help.fieldSlug")} hint={t("help.fieldSlugHint")} defaultValue={v?.slug ?? article?.slug ?? ""} error={fe.slug} maxLength={100} required />
          <Field name="title" label={t("help.fieldTitle")} defaultValue={v?.title ?? article?.title ?? ""} error={fe.title} maxLength={200} required lang={articleLocale} />
          <Field name="summary" label={t("help.fieldSummary")} hint={t("help.fieldSummaryHint")} defaultValue={v?.summary ?? article?.summary ?? ""} error={fe.summary} maxLength={300} lang={articleLocale} />
          <div className={`field${fe.categoryId ? " has-error" : ""}`}>
            <label htmlFor="h-category">{t("help.fieldCategory")}</label>
            <select id="h-category" name="categoryId" defaultValue={v?.categoryId ?? article?.categoryId ?? prefill?.categoryId ?? ""} aria-invalid={fe.categoryId ? true : undefined}>
              <option value="">—</option>
              {categories.map((c) => (
                <option key={c.id} value={c.id}>
                  {locale === "zh-CN" ? c.nameZh : c.nameEn}
                </option>
              ))}
            </select>
            {fe.categoryId ? (
              <p className="field-error" role="alert">
                {fieldMessage(t, fe.categoryId)}
              </p>
            ) : null}
          </div>
          <div className={`field${fe.bodyMarkdown ? " has-error" : ""}`}>
            <label htmlFor="h-body">{t("help.fieldBody")}</label>
            <p id="h-body-hint" className="hint">
              {t("help.fieldBodyHint")}
            </p>
            <textarea
              id="h-body"
              name="bodyMarkdown"
              rows={22}
              defaultValue={initialBody}
              lang={articleLocale}
              onChange={(e) => {
                setTyped(true);
                setBody(e.target.value);
              }}
              aria-describedby="h-body-hint"
              aria-invalid={fe.bodyMarkdown ? true : undefined}
            />
            {fe.bodyMarkdown ? (
              <p className="field-error" role="alert">
                {fieldMessage(t, fe.bodyMarkdown)}
              </p>
            ) : null}
          </div>
          <Field name="note" label={t("help.fieldNote")} defaultValue={v?.note ?? ""} maxLength={200} />
          <div className="actions">
            {/* A published article stays published when saved (Unpublish is above); a draft can be published on save. */}
            <button type="submit" name="intent" value="save-publish" className="button" disabled={busy}>
              {article?.published ? t("help.saveChanges") : t("help.savePublish")}
            </button>
            {article?.published ? null : (
              <button type="submit" name="intent" value="save" className="button secondary" disabled={busy}>
                {t("help.saveDraft")}
              </button>
            )}
            <button type="submit" name="intent" value="preview" className="link-button" disabled={busy}>
              {t("help.preview")}
            </button>
          </div>
        </Form>

        <section aria-labelledby="preview-h" className="panel help-preview">
          <h2 id="preview-h">{t("help.previewTitle")}</h2>
          <p className="hint">{t("help.previewHint")}</p>
          {/* HTML from help.preview: rendered and sanitised on the server. */}
          <div className="help-body" lang={articleLocale} aria-live="polite" dangerouslySetInnerHTML={{ __html: previewHtml ?? "" }} />
        </section>
      </div>

      {article ? (
        <section aria-labelledby="tr-h" className="panel">
          <h2 id="tr-h">{t("help.translations")}</h2>
          <ul className="plain-list">
            {article.translations.map((tr) => (
              <li key={tr.id} className="row">
                <Link to={`/staff/help/${tr.id}`} lang={tr.locale}>
                  {tr.title}
                </Link>
                <span className={`badge${tr.published ? "" : " badge-draft"}`}>{tr.published ? t("help.statusPublished") : t("help.statusDraft")}</span>
              </li>
            ))}
          </ul>
          {article.translations.some((tr) => tr.locale === other) ? null : (
            <p>
              <Link to={`/staff/help/new?translationOf=${article.id}`}>{t("help.addTranslation", { language: otherName })}</Link>
            </p>
          )}
        </section>
      ) : null}

      {article ? (
        <section aria-labelledby="hist-h" className="panel">
          <h2 id="hist-h">{t("help.history")}</h2>
          {article.revisions.length === 0 ? (
            <p>{t("help.historyEmpty")}</p>
          ) : (
            <ol className="plain-list">
              {article.revisions.map((r, i) => (
                <li key={r.id} className="row">
                  <span>
                    <strong>{t("help.historyBy", { date: formatDate(locale, r.createdAt, "UTC", true), author: r.author ?? t("help.historySystem") })}</strong>
                    <br />
                    <small>
                      {r.title} · {r.published ? t("help.statusPublished") : t("help.statusDraft")}
                      {r.note ? ` · ${r.note}` : ""}
                    </small>
                  </span>
                  {i > 0 ? (
                    <Form method="post" className="inline-form">
                      <input type="hidden" name="intent" value="restore" />
                      <input type="hidden" name="revisionId" value={r.id} />
                      <button type="submit" className="button small secondary" disabled={busy}>
                        {t("help.restore")}
                      </button>
                    </Form>
                  ) : null}
                </li>
              ))}
            </ol>
          )}
        </section>
      ) : null}
    </section>
  );
}
