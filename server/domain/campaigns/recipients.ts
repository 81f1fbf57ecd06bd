// Per-recipient delivery records of one campaign, a page at a time, for the campaign's detail page:
// the customer (name, email), status and skip reason, holdout group and the delivery timestamps.
import type { Db } from "../../db/client.ts";
import { AppError } from "../errors.ts";

export const RECIPIENTS_PAGE_SIZE = 50;

export interface RecipientRow {
  id: string;
  customerId: string;
  name: string | null;
  email: string;
  status: string;
  skipReason: string | null;
  holdout: boolean;
  enteredAt: Date;
  sentAt: Date | null;
  openedAt: Date | null;
  clickedAt: Date | null;
  unsubscribedAt: Date | null;
  pointsAwarded: number | null;
}

export interface RecipientPage {
  rows: RecipientRow[];
  page: number;
  pageSize: number;
  total: number;
  hasNext: boolean;
}

/** Page `page` (1-based) of the campaign's recipients in a stable order (entry time, then id). */
export async function listRecipients(db: Db, campaignId: string, page: number): Promise<RecipientPage> {
  const campaign = await db.campaign.findUnique({ where: { id: campaignId }, select: { id: true } });
  if (!campaign) throw new AppError("NOT_FOUND", "No such campaign.");
  const [total, rows] = await Promise.all([
    db.campaignRecipient.count({ where: { campaignId } }),
    db.campaignRecipient.findMany({
      where: { campaignId },
      orderBy: [{ enteredAt: "asc" }, { id: "asc" }],
      skip: (page - 1) * RECIPIENTS_PAGE_SIZE,
      take: RECIPIENTS_PAGE_SIZE,
      select: {
        id: true,
        customerId: true,
        status: true,
        skipReason: true,
        holdout: true,
        enteredAt: true,
        sentAt: true,
        openedAt: true,
        clickedAt: true,
        unsubscribedAt: true,
        pointsAwarded: true,
        customer: { select: { name: true, email: true } },
      },
    }),
  ]);
  return {
    rows: rows.map(({ customer, ...r }) => ({ ...r, name: customer.name, email: customer.email })),
    page,
    pageSize: RECIPIENTS_PAGE_SIZE,
    total,
    hasNext: page * RECIPIENTS_PAGE_SIZE < total,
  };
}
