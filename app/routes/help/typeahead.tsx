// Search as you type (progressive enhancement): the plain GET form works without JavaScript;
// with JavaScript, a debounced call to the public tRPC query help.suggest lists matching articles
// under the field. Arrow Down moves into the list, Escape closes it.
import { useEffect, useId, useRef, useState } from "react";
import { Form, Link } from "react-router";
import type { Locale } from "#app/i18n/index.ts";
import { useT } from "#app/lib/i18n.ts";

interface Suggestion {
  slug: string;
  title: string;
  summary: string;
}

export function HelpSearchForm({ q, locale, autoFocus }: { q: string; locale: Locale; autoFocus?: boolean }) {
  const t = useT();
  const id = useId();
  const [value, setValue] = useState(q);
  const [items, setItems] = useState<Suggestion[]>([]);
  const [open, setOpen] = useState(false);
  const listRef = useRef<HTMLUListElement>(null);

  useEffect(() => {
    const text = value.trim();
    if (text.length < 2 || text === q) {
      setItems([]);
      return;
    }
    const ctrl = new AbortController();
    const timer = setTimeout(async () => {
      try {
        const input = encodeURIComponent(JSON.stringify({ q: text, locale }));
        const res = await fetch(`/api/trpc/help.suggest?input=${input}`, { signal: ctrl.signal, headers: { accept: "application/json" } });
        if (!res.ok) return;
        const body = (await res.json()) as { result?: { data?: Suggestion[] } };
        setItems(body.result?.data ?? []);
        setOpen(true);
      } catch {
        // aborted or offline: the form still works
      }
    }, 200);
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
  }, [value, locale, q]);

  const listId = `${id}-suggestions`;
  const showList = open && items.length > 0;
  return (
    <Form method="get" action="/help/search" role="search" className="help-search" onKeyDown={(e) => e.key === "Escape" && setOpen(false)}>
      <div className="field">
        <label htmlFor={`${id}-q`}>{t("help.searchLabel")}</label>
        <p id={`${id}-hint`} className="hint">
          {t("help.searchHint")}
        </p>
        <div className="help-search-row">
          <input
            id={`${id}-q`}
            type="search"
            name="q"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "ArrowDown" && showList) {
                e.preventDefault();
                listRef.current?.querySelector("a")?.focus();
              }
            }}
            maxLength={200}
            autoComplete="off"
            autoFocus={autoFocus}
            aria-describedby={`${id}-hint`}
            // No aria-expanded: a search box may not carry it (axe aria-allowed-attr, critical), and the
            // suggestions are a list of links reached with ArrowDown, not a combobox popup; the
            // live status line below announces how many there are.
            aria-controls={showList ? listId : undefined}
          />
          <button type="submit" className="button">
            {t("help.searchSubmit")}
          </button>
        </div>
      </div>
      <p className="visually-hidden" role="status" aria-live="polite">
        {showList ? t("help.suggestionsCount", { count: items.length }) : ""}
      </p>
      {showList ? (
        <ul
          id={listId}
          ref={listRef}
          className="help-suggestions"
          aria-label={t("help.suggestions")}
          onKeyDown={(e) => {
            const links = Array.from(listRef.current?.querySelectorAll("a") ?? []);
            const i = links.indexOf(document.activeElement as HTMLAnchorElement);
            if (e.key === "ArrowDown" && i < links.length - 1) {
              e.preventDefault();
              links[i + 1]?.focus();
            } else if (e.key === "ArrowUp") {
              e.preventDefault();
              if (i > 0) links[i - 1]?.focus();
              else document.getElementById(`${id}-q`)?.focus();
            }
          }}
        >
          {items.map((s) => (
            <li key={s.slug}>
              <Link to={`/help/${encodeURIComponent(s.slug)}`}>
                <strong>{s.title}</strong>
                {s.summary ? <span className="hint"> — {s.summary}</span> : null}
              </Link>
            </li>
          ))}
        </ul>
      ) : null}
    </Form>
  );
}
