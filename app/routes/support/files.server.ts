// Files from a multipart form, as the support procedures take them (bytes in a Buffer).
export async function filesFrom(form: FormData, name = "attachments") {
  const out: { filename: string; contentType: string; content: Buffer }[] = [];
  for (const v of form.getAll(name)) {
    if (typeof v === "string") continue;
    // A file input left empty still posts one nameless, empty part.
    if (!v.name && v.size === 0) continue;
    out.push({ filename: v.name, contentType: v.type || "application/octet-stream", content: Buffer.from(await v.arrayBuffer()) });
  }
  return out;
}
