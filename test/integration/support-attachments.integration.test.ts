// Ticket attachments: images, PDF and plain text up to 10 MB, recognised by their bytes (a renamed
// executable is refused), refused with a message naming the file, and downloadable only by the
// customer who owns the ticket or by agents — through the procedure and the download route's policy.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { db } from "../../server/db/client.ts";
import { attachmentsDir, MAX_ATTACHMENT_BYTES, sniffContentType } from "../../server/domain/support/attachments.ts";
import { createCustomer, createStaff } from "../factories/index.ts";
import { callerAs } from "../setup/harness.ts";

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);
const PDF = Buffer.from("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n");
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(32, 7)]);
const EXE = Buffer.concat([Buffer.from("MZ"), Buffer.from([0x90, 0x00, 0x03, 0x00, 0x00, 0x00]), Buffer.alloc(64, 0)]);

async function customerCaller() {
  const c = await createCustomer(db(), { login: true });
  return { customer: c, caller: (await callerAs({ userId: c.userId })).caller };
}

describe("ticket attachments", () => {
  it("the type is decided by the bytes, not the name", () => {
    expect(sniffContentType(PNG)).toBe("image/png");
    expect(sniffContentType(JPEG)).toBe("image/jpeg");
    expect(sniffContentType(PDF)).toBe("application/pdf");
    expect(sniffContentType(Buffer.from("Order R-1001 arrived damaged.\r\n你好\n"))).toBe("text/plain");
    expect(sniffContentType(EXE)).toBeNull();
    expect(sniffContentType(Buffer.from([0xff, 0xfe, 0x00, 0x41]))).toBeNull();
  });

  it("stores allowed files with their real type and size; the owner and agents can download them", async () => {
    const { customer, caller } = await customerCaller();
    const { number } = await caller.support.create({
      subject: "Damaged parcel",
      body: "Photos and the receipt attached.",
      attachments: [
        { filename: "box.png", contentType: "image/png", content: PNG },
        { filename: "../../receipt.pdf", contentType: "application/octet-stream", content: PDF },
        { filename: "notes.txt", contentType: "text/plain", content: Buffer.from("fragile sticker missing") },
      ],
    });
    const rows = await db().ticketAttachment.findMany({ where: { ticket: { number } }, orderBy: { filename: "asc" } });
    expect(rows.map((r) => [r.filename, r.contentType, r.size])).toEqual([
      ["box.png", "image/png", PNG.length],
      ["notes.txt", "text/plain", 23],
      ["receipt.pdf", "application/pdf", PDF.length],
    ]);
    expect(fs.readFileSync(path.join(attachmentsDir(), rows[0]!.id)).equals(PNG)).toBe(true);

    const view = await caller.support.ticket({ number });
    expect(view.messages[0]!.attachments.map((a) => a.filename).sort()).toEqual(["box.png", "notes.txt", "receipt.pdf"]);
    const mine = await caller.support.attachment({ id: rows[2]!.id });
    expect(mine.content.equals(PDF)).toBe(true);
    expect(mine.contentType).toBe("application/pdf");

    const agent = await createStaff(db(), { role: "AGENT" });
    const asAgent = (await callerAs({ userId: agent.id })).caller;
    expect((await asAgent.support.attachment({ id: rows[0]!.id })).content.equals(PNG)).toBe(true);

    // Another customer, and a marketer, get NOT_FOUND (existence does not leak).
    const other = await customerCaller();
    await expect(other.caller.support.attachment({ id: rows[0]!.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const marketer = await createStaff(db(), { role: "MARKETER" });
    await expect((await callerAs({ userId: marketer.id })).caller.support.attachment({ id: rows[0]!.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect((await callerAs()).caller.support.attachment({ id: rows[0]!.id })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect(customer.id).toBeTruthy();
  });

  it("refuses an oversized file with a clear message and creates nothing", async () => {
    const { customer, caller } = await customerCaller();
    const big = Buffer.alloc(MAX_ATTACHMENT_BYTES + 1, 0x41);
    await expect(
      caller.support.create({ subject: "Huge log", body: "See attached.", attachments: [{ filename: "big.txt", contentType: "text/plain", content: big }] }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", cause: { fieldErrors: { attachments: { key: "support.errAttachmentTooLarge", params: { name: "big.txt", max: "10 MB" } } } } });
    expect(await db().ticket.count({ where: { customerId: customer.id } })).toBe(0);
    // Exactly 10 MB is fine.
    const { number } = await caller.support.create({ subject: "Big but fine", body: "See attached.", attachments: [{ filename: "ok.txt", contentType: "text/plain", content: Buffer.alloc(MAX_ATTACHMENT_BYTES, 0x41) }] });
    expect(await db().ticketAttachment.count({ where: { ticket: { number } } })).toBe(1);
  });

  it("refuses a disallowed type even when it is named like an image, on new tickets and replies", async () => {
    const { customer, caller } = await customerCaller();
    const exe = { filename: "holiday.png", contentType: "image/png", content: EXE };
    await expect(caller.support.create({ subject: "My photo", body: "Look", attachments: [exe] })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      cause: { fieldErrors: { attachments: { key: "support.errAttachmentType", params: { name: "holiday.png" } } } },
    });
    expect(await db().ticket.count({ where: { customerId: customer.id } })).toBe(0);
    const { number } = await caller.support.create({ subject: "My photo", body: "Look" });
    await expect(caller.support.reply({ number, body: "Here", attachments: [exe] })).rejects.toMatchObject({ code: "BAD_REQUEST", cause: { fieldErrors: { attachments: { key: "support.errAttachmentType" } } } });
    expect(await db().ticketMessage.count({ where: { ticket: { number } } })).toBe(1);
    const six = Array.from({ length: 6 }, (_, i) => ({ filename: `n${i}.txt`, contentType: "text/plain", content: Buffer.from("x") }));
    await expect(caller.support.reply({ number, body: "Many", attachments: six })).rejects.toMatchObject({ code: "BAD_REQUEST", cause: { fieldErrors: { attachments: { key: "support.errTooManyAttachments" } } } });
  });
});
