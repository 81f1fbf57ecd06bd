// The staff customer search shared by /staff/customers (360° pages) and /staff/loyalty (ledgers):
// the plain GET search form and the "nothing found" notice (the loader's query is in
// customer-search.server.ts).
import { Form, Link } from "react-router";
import { useT } from "#app/lib/i18n.ts";

export function CustomerSearchForm({ id, q, clearTo }: { id: string; q: string; clearTo?: string }) {
  const t = useT();
  return (
    <Form method="get" role="search" className="filters">
      <div className="field">
        <label htmlFor={id}>{t("staff.searchLabel")}</label>
        <p id={`${id}-hint`} className="hint">
          {t("staff.searchHint")}
        </p>
        <input id={id} type="search" name="q" defaultValue={q} maxLength={200} aria-describedby={`${id}-hint`} />
      </div>
      <button type="submit" className="button">
        {t("staff.searchSubmit")}
      </button>
      {q && clearTo ? (
        <Link to={clearTo} className="link-button">
          {t("staff.clearSearch")}
        </Link>
      ) : null}
    </Form>
  );
}

export function NoCustomersNotice({ q }: { q: string }) {
  const t = useT();
  return (
    <p className="notice" role="status">
      {q ? t("staff.noMatches", { q }) : t("staff.noCustomers")}
    </p>
  );
}
