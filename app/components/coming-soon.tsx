import type { MessageKey } from "#app/i18n/index.ts";
import { useT } from "#app/lib/i18n.ts";

/** An honest placeholder for a section a later release builds: no invented data. */
export function ComingSoon({ section }: { section: MessageKey }) {
  const t = useT();
  const name = t(section);
  return (
    <section className="narrow">
      <h1>{t("common.comingSoonTitle", { section: name })}</h1>
      <p>{t("common.comingSoonBody")}</p>
    </section>
  );
}
