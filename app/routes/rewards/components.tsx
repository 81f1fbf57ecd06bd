// Pieces shared by the customer rewards page and the staff loyalty ledger (not a route: routes.ts
// does not list it). No server code here.
import { hasKey, type T } from "#app/i18n/index.ts";

/** A ledger entry type's label, or the code itself when there is no label for it yet. */
export function ledgerTypeLabel(t: T, type: string) {
  return hasKey(`rewards.type_${type}`) ? t(`rewards.type_${type}`) : type;
}

/** Points with their sign ("+120", "-40"), or "—" for zero. */
export function signedPoints(num: Intl.NumberFormat, n: number) {
  return n ? `${n > 0 ? "+" : ""}${num.format(n)}` : "—";
}

/** Header row of a points history table; `staff` adds the debt, author and idempotency key columns. */
export function LedgerHead({ t, staff = false }: { t: T; staff?: boolean }) {
  return (
    <thead>
      <tr>
        <th scope="col">{t("rewards.colDate")}</th>
        <th scope="col">{t("rewards.colWhat")}</th>
        <th scope="col">{t("rewards.colReason")}</th>
        <th scope="col">{t("rewards.colAvailable")}</th>
        <th scope="col">{t("rewards.colPending")}</th>
        {staff ? (
          <>
            <th scope="col">{t("rewards.colDebt")}</th>
            <th scope="col">{t("rewards.staffBy")}</th>
            <th scope="col">{t("rewards.staffKey")}</th>
          </>
        ) : null}
      </tr>
    </thead>
  );
}
