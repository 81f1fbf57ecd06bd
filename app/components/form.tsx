import { useId } from "react";
import { fieldMessage, type FieldMessage } from "#app/i18n/index.ts";
import { useT } from "#app/lib/i18n.ts";

export interface FieldProps extends Omit<React.InputHTMLAttributes<HTMLInputElement>, "name"> {
  name: string;
  label: string;
  hint?: string;
  error?: FieldMessage | null;
}

/** A labelled input with its hint and error wired up for screen readers. */
export function Field({ name, label, hint, error, ...input }: FieldProps) {
  const id = useId();
  const t = useT();
  const message = fieldMessage(t, error);
  const describedBy = [hint ? `${id}-hint` : null, message ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`field${message ? " has-error" : ""}`}>
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      ) : null}
      <input id={id} name={name} aria-invalid={message ? true : undefined} aria-describedby={describedBy} {...input} />
      {message ? (
        <p id={`${id}-error`} className="field-error" role="alert">
          {message}
        </p>
      ) : null}
    </div>
  );
}

export function FormError({ error }: { error?: FieldMessage | null }) {
  const t = useT();
  const message = fieldMessage(t, error);
  if (!message) return null;
  return (
    <div className="form-error" role="alert">
      {message}
    </div>
  );
}

export function Notice({ children }: { children: React.ReactNode }) {
  return (
    <div className="notice" role="status">
      {children}
    </div>
  );
}

/** The action data shape of a failed form (see app/lib/forms.server.ts). */
export interface FormResult {
  ok?: boolean;
  fieldErrors?: Record<string, FieldMessage>;
  formError?: FieldMessage | null;
  values?: Record<string, string>;
}
