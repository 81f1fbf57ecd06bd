// The analytics part of the staff 360° page: scores (RFM, P(alive), expected purchases, CLV,
// lifecycle), segments, campaigns received, CSAT given and NPS surveys.
import { Form } from "react-router";
import { formatDate } from "#app/i18n/index.ts";
import { useLocale, useRoot, useT } from "#app/lib/i18n.ts";

type Insights = {
  score: {
    asOf: string;
    recency: number;
    frequency: number;
    monetary: number;
    rScore: number;
    fScore: number;
    mScore: number;
    rfmSegment: string;
    pAlive: number;
    expectedPurchases90d: number;
    predictedClv12m: number;
    lifecycleStage: string;
  } | null;
  segments: { id: string; name: string; addedAt: Date | string }[];
  campaigns: { id: string; name: string; kind: string; holdout: boolean; status: string; sentAt: Date | string | null; openedAt: Date | string | null; clickedAt: Date | string | null }[];
  csat: { count: number; average: number | null; recent: { number: number; csatScore: number | null; csatComment: string | null; csatRatedAt: Date | string | null }[] };
  nps: { id: string; score: number | null; comment: string | null; sentAt: Date | string; respondedAt: Date | string | null }[];
};

export function CustomerInsights({ insights: i, npsSent }: { insights: Insights; npsSent: boolean }) {
  const t = useT();
  const locale = useLocale();
  const root = useRoot();
  const tz = root.user?.timeZone ?? "UTC";
  const canSendNps = root.user?.staffRole === "MARKETER" || root.user?.staffRole === "ADMIN";
  const dec = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  const pct = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 0 });
  const when = (d: Date | string | null) => (d ? formatDate(locale, d, tz) : "–");
  const s = i.score;
  return (
    <>
      <div className="cards">
        <section className="card" aria-labelledby="c360-scores">
          <h2 id="c360-scores">{t("analytics.scores")}</h2>
          {!s ? (
            <p>{t("analytics.noScore")}</p>
          ) : (
            <>
              <p className="hint">{t("analytics.scoreAsOf", { asOf: s.asOf })}</p>
              <dl className="kv">
                <dt>{t("analytics.segment")}</dt>
                <dd>{s.rfmSegment}</dd>
                <dt>{t("analytics.rfm")}</dt>
                <dd>
                  {s.rScore}/{s.fScore}/{s.mScore}
                </dd>
                <dt>{t("analytics.recencyDays")}</dt>
                <dd>{dec.format(s.recency)}</dd>
                <dt>{t("analytics.frequency")}</dt>
                <dd>{dec.format(s.frequency)}</dd>
                <dt>{t("analytics.monetary")}</dt>
                <dd>{dec.format(s.monetary)}</dd>
                <dt>{t("analytics.pAliveRange")}</dt>
                <dd>{pct.format(s.pAlive)}</dd>
                <dt>{t("analytics.expected90")}</dt>
                <dd>{dec.format(s.expectedPurchases90d)}</dd>
                <dt>{t("analytics.clv12")}</dt>
                <dd>{dec.format(s.predictedClv12m)}</dd>
                <dt>{t("analytics.lifecycleStage")}</dt>
                <dd>{t(`analytics.stage_${s.lifecycleStage}`)}</dd>
              </dl>
            </>
          )}
        </section>

        <section className="card" aria-labelledby="c360-segments">
          <h2 id="c360-segments">{t("analytics.customerSegments")}</h2>
          {i.segments.length === 0 ? (
            <p>{t("analytics.noSegments")}</p>
          ) : (
            <ul>
              {i.segments.map((g) => (
                <li key={g.id}>{g.name}</li>
              ))}
            </ul>
          )}
          <h3>{t("analytics.csatGiven")}</h3>
          {i.csat.count === 0 ? (
            <p>{t("analytics.noCsat")}</p>
          ) : (
            <>
              <p>{t("analytics.csatSummary", { count: i.csat.count, average: dec.format(i.csat.average ?? 0) })}</p>
              <ul>
                {i.csat.recent.map((r) => (
                  <li key={r.number}>
                    #{r.number}: {r.csatScore}/5 · {when(r.csatRatedAt)}
                    {r.csatComment ? <> — “{r.csatComment}”</> : null}
                  </li>
                ))}
              </ul>
            </>
          )}
          <h3>{t("analytics.npsGiven")}</h3>
          {npsSent ? (
            <p className="notice" role="status">
              {t("analytics.npsSent")}
            </p>
          ) : null}
          {i.nps.length === 0 ? (
            <p>{t("analytics.noNps")}</p>
          ) : (
            <ul>
              {i.nps.map((n) => (
                <li key={n.id}>
                  {n.respondedAt ? t("analytics.npsAnswered", { score: n.score ?? "", date: when(n.respondedAt) }) : t("analytics.npsAwaiting", { date: when(n.sentAt) })}
                  {n.comment ? <> — “{n.comment}”</> : null}
                </li>
              ))}
            </ul>
          )}
          {canSendNps ? (
            <Form method="post" preventScrollReset>
              <input type="hidden" name="intent" value="sendNps" />
              <button type="submit" className="button">
                {t("analytics.sendNps")}
              </button>
            </Form>
          ) : null}
        </section>
      </div>

      <section aria-labelledby="c360-campaigns">
        <h2 id="c360-campaigns">{t("analytics.campaignsReceived")}</h2>
        {i.campaigns.length === 0 ? (
          <p>{t("analytics.noCampaigns")}</p>
        ) : (
          <div className="table-wrap">
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">{t("analytics.campaign")}</th>
                  <th scope="col">{t("analytics.status")}</th>
                  <th scope="col">{t("analytics.holdout")}</th>
                  <th scope="col">{t("analytics.sent")}</th>
                  <th scope="col">{t("analytics.opened")}</th>
                  <th scope="col">{t("analytics.clicked")}</th>
                </tr>
              </thead>
              <tbody>
                {i.campaigns.map((c) => (
                  <tr key={c.id}>
                    <th scope="row">{c.name}</th>
                    <td>{c.status}</td>
                    <td>{c.holdout ? t("analytics.yes") : t("analytics.no")}</td>
                    <td>{when(c.sentAt)}</td>
                    <td>{when(c.openedAt)}</td>
                    <td>{when(c.clickedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
