// Small pieces shared by the support pages (customer and staff). Not a route module.
import type { CSSProperties, ReactNode } from "react";
import { fieldMessage, type FieldMessage, type T } from "#app/i18n/index.ts";

export function formatSize(bytes: number) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function AttachmentList({ files, t }: { files: { id: string; filename: string; size: number }[]; t: T }) {
  if (!files.length) return null;
  return (
    <ul className="plain-list" aria-label={t("support.attachments")}>
      {files.map((f) => (
        <li key={f.id}>
          <a href={`/support/attachments/${encodeURIComponent(f.id)}`} download={f.filename} aria-label={t("support.download", { name: f.filename, size: formatSize(f.size) })}>
            📎 {f.filename}
          </a>{" "}
          <small>({formatSize(f.size)})</small>
        </li>
      ))}
    </ul>
  );
}

/** Message text as written: line breaks kept, never interpreted as HTML. */
export function MessageBody({ body }: { body: string }) {
  return <div style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>{body}</div>;
}

/** A field's error line, shown only when there is an error (these fields have no described-by id). */
export function FieldErrorLine({ t, error }: { t: T; error: FieldMessage | null | undefined }) {
  return error ? (
    <p className="field-error" role="alert">
      {fieldMessage(t, error)}
    </p>
  ) : null;
}

/**
 * One message of a ticket thread: who wrote it and when (as given), the channel when it came by
 * email, the text and the attachments. `internal` marks an agent's internal note (staff view only).
 */
export function ThreadMessage({
  t,
  message,
  author,
  date,
  internal = false,
  style,
}: {
  t: T;
  message: { channel: string; body: string; attachments: { id: string; filename: string; size: number }[] };
  author: ReactNode;
  date: string;
  internal?: boolean;
  style?: CSSProperties;
}) {
  return (
    <li className="panel" style={style} data-internal={internal ? "true" : undefined}>
      <p>
        {internal ? (
          <>
            <span className="badge">{t("support.internalBadge")}</span>{" "}
          </>
        ) : null}
        <strong>{author}</strong> · <small>{date}</small>
        {message.channel === "email" ? <small> · {t("support.viaEmail")}</small> : null}
      </p>
      <MessageBody body={message.body} />
      <AttachmentList files={message.attachments} t={t} />
    </li>
  );
}
