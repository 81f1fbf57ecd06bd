// Small pieces shared by the support pages (customer and staff). Not a route module.
import type { T } from "#app/i18n/index.ts";

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
