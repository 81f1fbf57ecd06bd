// Ticket attachments: images, PDF and plain text only, at most 10 MB each. The type is decided by
// the file's first bytes (magic numbers), never by its name or the browser's claim; the bytes are
// stored under DATA_DIR/attachments/<id> and the metadata in TicketAttachment.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Tx } from "../../db/client.ts";
import { AppError } from "../errors.ts";

export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const MAX_ATTACHMENTS_PER_MESSAGE = 5;

export interface AttachmentInput {
  filename: string;
  contentType: string;
  content: Buffer;
}

/** Where attachment bytes live: DATA_DIR/attachments (DATA_DIR defaults to .data, as in env.ts). */
export function attachmentsDir() {
  return path.resolve(process.env.DATA_DIR || ".data", "attachments");
}

function startsWith(buf: Buffer, bytes: number[], offset = 0) {
  return buf.length >= offset + bytes.length && bytes.every((b, i) => buf[offset + i] === b);
}

/** Plain text: valid UTF-8 without NUL or other control characters (tab, newlines, form feed allowed). */
function looksLikeText(buf: Buffer) {
  if (buf.length === 0) return false;
  const sample = buf.subarray(0, 64 * 1024);
  for (const b of sample) {
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) return false;
    if (b === 0x7f) return false;
  }
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(buf.length > sample.length ? sample.subarray(0, sample.length - 4) : sample);
    return true;
  } catch {
    return false;
  }
}

/** The content type the bytes really are, or null when not an allowed type. */
export function sniffContentType(buf: Buffer): string | null {
  if (startsWith(buf, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (startsWith(buf, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(buf, [0x47, 0x49, 0x46, 0x38]) && (buf[4] === 0x37 || buf[4] === 0x39) && buf[5] === 0x61) return "image/gif";
  if (startsWith(buf, [0x52, 0x49, 0x46, 0x46]) && startsWith(buf, [0x57, 0x45, 0x42, 0x50], 8)) return "image/webp";
  if (startsWith(buf, [0x25, 0x50, 0x44, 0x46, 0x2d])) return "application/pdf";
  if (looksLikeText(buf)) return "text/plain";
  return null;
}

/** A file name safe to store and to send back in Content-Disposition. */
export function safeFilename(name: string) {
  const base = name.split(/[\\/]/).pop() ?? "";
  // eslint-disable-next-line no-control-regex
  const cleaned = base.replace(/[\u0000-\u001f\u007f"]/g, "").trim().slice(0, 200);
  return cleaned || "attachment";
}

export interface CheckedAttachment extends AttachmentInput {
  /** The sniffed content type (what is stored and served). */
  detectedType: string;
}

/** Refuses oversized, empty, too many or disallowed files with a message naming the file. */
export function checkAttachments(files: AttachmentInput[] | undefined): CheckedAttachment[] {
  const list = (files ?? []).filter((f) => f.content.length > 0 || f.filename);
  if (list.length > MAX_ATTACHMENTS_PER_MESSAGE) {
    throw new AppError("BAD_REQUEST", "Too many attachments.", { attachments: { key: "support.errTooManyAttachments", params: { max: MAX_ATTACHMENTS_PER_MESSAGE } } });
  }
  return list.map((f) => {
    const name = safeFilename(f.filename);
    if (f.content.length > MAX_ATTACHMENT_BYTES) {
      throw new AppError("BAD_REQUEST", `${name} is larger than 10 MB.`, { attachments: { key: "support.errAttachmentTooLarge", params: { name, max: "10 MB" } } });
    }
    if (f.content.length === 0) {
      throw new AppError("BAD_REQUEST", `${name} is empty.`, { attachments: { key: "support.errAttachmentEmpty", params: { name } } });
    }
    const detectedType = sniffContentType(f.content);
    if (!detectedType) {
      throw new AppError("BAD_REQUEST", `${name} is not an image, PDF or plain-text file.`, { attachments: { key: "support.errAttachmentType", params: { name } } });
    }
    return { ...f, filename: name, detectedType };
  });
}

/**
 * Writes the files and their rows inside the caller's transaction. A rolled-back transaction may
 * leave an orphan file on disk (never referenced, so never served); that is the safe direction.
 */
export async function storeAttachments(tx: Tx, ticketId: string, messageId: string, files: CheckedAttachment[]) {
  if (!files.length) return [];
  const dir = attachmentsDir();
  await fs.promises.mkdir(dir, { recursive: true });
  const out = [];
  for (const f of files) {
    const row = await tx.ticketAttachment.create({
      data: { ticketId, messageId, filename: f.filename, contentType: f.detectedType, size: f.content.length, sha256: createHash("sha256").update(f.content).digest("hex") },
    });
    await fs.promises.writeFile(path.join(dir, row.id), f.content);
    out.push(row);
  }
  return out;
}

/** Reads an attachment's bytes (the caller has already checked who may see it). */
export async function readAttachmentContent(id: string): Promise<Buffer> {
  if (!/^[a-z0-9]+$/i.test(id)) throw new AppError("NOT_FOUND", "No such attachment.");
  try {
    return await fs.promises.readFile(path.join(attachmentsDir(), id));
  } catch {
    throw new AppError("NOT_FOUND", "No such attachment.");
  }
}
