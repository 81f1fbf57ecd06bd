// NPS surveys: a tokenised link per customer (only the token's hash is stored), sent through the
// mail outbox in the caller's transaction; answered once on /survey/nps/:token (0–10 + comment).
import type { Db, Tx } from "../../db/client.ts";
import { fromDbLocale } from "../locale.ts";
import { hashToken, newToken } from "../auth/tokens.ts";
import { AppError } from "../errors.ts";
import { enqueueMail } from "../../mail/outbox.ts";
import { recordTouchpoint } from "../touchpoints/record.ts";

export const NPS_COMMENT_MAX = 2000;

/** Creates a survey for one customer and queues its email. Campaigns call this per recipient. */
export async function sendNpsSurvey(tx: Tx, opts: { customerId: string; appUrl: string; campaignId?: string | null; actorUserId?: string | null }) {
  const customer = await tx.customer.findUnique({ where: { id: opts.customerId }, select: { id: true, email: true, name: true, locale: true, anonymizedAt: true } });
  if (!customer || customer.anonymizedAt) throw new AppError("NOT_FOUND", "No such customer.");
  const token = newToken();
  const survey = await tx.npsResponse.create({ data: { customerId: customer.id, tokenHash: hashToken(token), campaignId: opts.campaignId ?? null } });
  const url = `${opts.appUrl.replace(/\/$/, "")}/survey/nps/${token}`;
  await enqueueMail(tx, { to: customer.email, template: "nps-survey", locale: fromDbLocale(customer.locale), props: { name: customer.name, url }, customerId: customer.id });
  await recordTouchpoint(tx, { customerId: customer.id, type: "nps.sent", channel: "email", actorUserId: opts.actorUserId ?? null, subjectType: "nps", subjectId: survey.id, metadata: opts.campaignId ? { campaignId: opts.campaignId } : undefined });
  return { id: survey.id, token, url };
}

async function findSurvey(db: Pick<Db, "npsResponse">, token: string) {
  const s = await db.npsResponse.findUnique({ where: { tokenHash: hashToken(token) }, select: { id: true, customerId: true, score: true, comment: true, respondedAt: true, customer: { select: { name: true } } } });
  if (!s) throw new AppError("NOT_FOUND", "This survey link is not valid.", { token: "analytics.npsInvalidLink" });
  return s;
}

export async function getNpsSurvey(db: Db, token: string) {
  const s = await findSurvey(db, token);
  return { answered: Boolean(s.respondedAt), score: s.score, comment: s.comment, name: s.customer.name };
}

export async function answerNpsSurvey(db: Db, input: { token: string; score: number | null; comment?: string | null }) {
  const score = input.score;
  if (score === null || !Number.isInteger(score) || score < 0 || score > 10) {
    throw new AppError("BAD_REQUEST", "Choose a score from 0 to 10.", { score: "analytics.npsScoreRequired" });
  }
  const trimmed = input.comment?.trim() ?? "";
  if (trimmed.length > NPS_COMMENT_MAX) throw new AppError("BAD_REQUEST", "Comment too long.", { comment: "analytics.npsCommentTooLong" });
  const comment = trimmed || null;
  return db.$transaction(async (tx) => {
    const s = await findSurvey(tx, input.token);
    // Answer once: a second submission (double click, replayed link) changes nothing.
    const done = await tx.npsResponse.updateMany({ where: { id: s.id, respondedAt: null }, data: { score, comment, respondedAt: new Date() } });
    if (done.count === 0) return { answered: true, already: true };
    await recordTouchpoint(tx, { customerId: s.customerId, type: "nps.answered", channel: "web", subjectType: "nps", subjectId: s.id, metadata: { score } });
    return { answered: true, already: false };
  });
}
