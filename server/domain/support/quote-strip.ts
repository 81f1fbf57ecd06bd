// Cuts the quoted history and the signature off an emailed reply, so that a ticket thread shows
// only what the customer wrote this time. Works on the plain-text part of a mail (mailparser gives
// one for HTML-only mail too). Recognises, in English and Chinese:
//   - our own "reply above this line" marker (emails/ticket-i18n.ts),
//   - reply headers: "On <date>, <name> wrote:" (also wrapped over two lines), "<date> <name> <x@y>:",
//     "在 <date>，<name> 写道：", "<name> 于 <date> 写道：",
//   - "-----Original Message-----" / "----- 原始邮件 -----" / "------------------ 原始邮件 ------------------",
//   - Outlook header blocks "From: … Sent: … To: … Subject: …" / "发件人: … 发送时间: …",
//   - "Sent from my iPhone" / "发自我的iPhone" style footers,
//   - the signature delimiter "-- " (and "--" alone on a line),
//   - lines quoted with ">" (a trailing quoted block is dropped; inline quoted lines are dropped too).
import { REPLY_ABOVE_MARKER } from "../../../emails/ticket-i18n.ts";

const MARKERS = [REPLY_ABOVE_MARKER, "##- 请在此行上方输入您的回复 -##"].map((m) => m.replace(/##-|-##/g, "").trim().toLowerCase());

/** A whole line that starts the quoted history (everything from it on is dropped). */
const CUT_LINE: RegExp[] = [
  // On Mon, 23 Nov 2026 at 10:00, Ann Lee <ann@example.com> wrote:
  /^\s*on\b.{0,300}\bwrote:\s*$/i,
  // Le … a écrit : / Am … schrieb: (cheap to recognise, common in forwarded threads)
  /^\s*(le|am)\b.{0,300}\b(a écrit|schrieb)\s*:\s*$/i,
  // 在 2026年11月23日 星期一 10:00，张三 <zhang@example.com> 写道：
  /^\s*在.{0,300}写道[:：]\s*$/,
  // 张三 <zhang@example.com> 于2026年11月23日周一 10:00写道：
  /^.{0,300}于.{0,200}写道[:：]\s*$/,
  // 2026-11-23 10:00 GMT+08:00 "Rapport" <support@…>:   (Gmail on some locales, Apple Mail)
  /^\s*\d{4}[-/.年]\s*\d{1,2}[-/.月]\s*\d{1,2}日?.{0,200}<[^>\s]+@[^>\s]+>\s*[:：]\s*$/,
  /^\s*-{2,}\s*original message\s*-{2,}\s*$/i,
  /^\s*-{2,}\s*(原始邮件|原始郵件)\s*-{2,}\s*$/,
  /^\s*-{2,}\s*forwarded message\s*-{2,}\s*$/i,
  /^\s*_{10,}\s*$/, // Outlook's horizontal rule above the header block
  /^\s*(sent from my|get outlook for)\b.{0,60}$/i,
  /^\s*(发自我的|来自我的|從我的).{0,30}$/,
  /^-- ?$/, // signature delimiter (RFC 3676 "-- ", and the common "--")
];

/** Outlook-style header block: a "From:" line followed within a few lines by "Sent:"/"Date:" etc. */
const FROM_LINE = /^\s*\*?(from|发件人|寄件者)\s*\*?\s*[:：]/i;
const HEADER_FOLLOW = /^\s*\*?(sent|date|to|subject|cc|发送时间|时间|日期|收件人|主题|抄送|寄件日期|收件者|主旨)\s*\*?\s*[:：]/i;

function isOutlookHeader(lines: string[], i: number): boolean {
  if (!FROM_LINE.test(lines[i]!)) return false;
  let follows = 0;
  for (let j = i + 1; j < Math.min(lines.length, i + 6); j++) {
    if (HEADER_FOLLOW.test(lines[j]!)) follows++;
  }
  return follows >= 2;
}

/** Two-line "On …,\n… wrote:" headers (mail clients wrap long header lines). */
function isWrappedOnWrote(lines: string[], i: number): boolean {
  const a = lines[i]!;
  const b = lines[i + 1];
  return b !== undefined && /^\s*on\b/i.test(a) && /\bwrote:\s*$/i.test(b) && a.length + b.length < 300;
}

function isMarker(line: string): boolean {
  const l = line.replace(/##-|-##/g, "").trim().toLowerCase();
  return l.length > 0 && MARKERS.includes(l);
}

/**
 * The new part of an emailed reply: everything above the first quote separator, without ">"
 * quoted lines and without the signature, trimmed. Returns "" when nothing new remains.
 */
export function stripQuotedReply(text: string): string {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const top = newPart(lines, 0);
  if (top) return top;
  // Nothing above the quote: a bottom-posted reply. Skip the header and the quoted lines and take
  // what follows, up to the next separator or signature.
  const firstCut = lines.findIndex((_, i) => cutsAt(lines, i));
  if (firstCut < 0) return "";
  let i = firstCut + (isWrappedOnWrote(lines, firstCut) ? 2 : 1);
  while (i < lines.length && (/^\s*>/.test(lines[i]!) || lines[i]!.trim() === "")) i++;
  return newPart(lines, i);
}

function cutsAt(lines: string[], i: number): boolean {
  const line = lines[i]!;
  return isMarker(line) || CUT_LINE.some((re) => re.test(line)) || isOutlookHeader(lines, i) || isWrappedOnWrote(lines, i);
}

/** Lines from `start` up to the first separator, without ">" lines, tidied. */
function newPart(lines: string[], start: number): string {
  let end = lines.length;
  for (let i = start; i < lines.length; i++) {
    if (cutsAt(lines, i)) {
      end = i;
      break;
    }
  }
  return lines
    .slice(start, end)
    .filter((l) => !/^\s*>/.test(l))
    .join("\n")
    .replace(/[ \t]+$/gm, "")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
