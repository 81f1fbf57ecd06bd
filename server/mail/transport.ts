// Outgoing mail transport: SMTP_URL when set, otherwise the built-in capture server on loopback.
import nodemailer from "nodemailer";
import type { Transporter } from "nodemailer";

let transporter: Transporter | undefined;

export function configureTransport(smtpUrl: string) {
  transporter = nodemailer.createTransport(smtpUrl);
}

export function transport(): Transporter {
  if (!transporter) throw new Error("Mail transport not configured");
  return transporter;
}

export function closeTransport() {
  transporter?.close();
  transporter = undefined;
}
