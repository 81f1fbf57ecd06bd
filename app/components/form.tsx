import { useId } from "react";
import { fieldMessage, type FieldMessage } from "#app/i18n/index.ts";
import { useT } from "#app/lib/i18n.ts";

export interface FieldProps extends Omit<React.InputHTMLAttributes<HTMLInputElement>, "name"> {
  name: string;
  label: string;
  hint?: string;
  error?: FieldMessage | null;
}

/** A field's error line (an i18n key or { key, params }); nothing when there is no error. */
export function FieldError({ id, error }: { id?: string; error?: FieldMessage | null }) {
  const t = useT();
  const message = fieldMessage(t, error);
  return message ? (
    <p id={id} className="field-error" role="alert">
      {message}
    </p>
  ) : null;
}

/** Label, hint, the control and its error, wired up for screen readers (Field, TextAreaField). */
function LabelledControl({ label, hint, error, control }: { label: string; hint?: string; error?: FieldMessage | null; control: (a: { id: string; invalid: boolean; describedBy?: string }) => React.ReactNode }) {
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
      {control({ id, invalid: Boolean(message), describedBy })}
      <FieldError id={`${id}-error`} error={message} />
    </div>
  );
}

/** A labelled input with its hint and error wired up for screen readers. */
export function Field({ name, label, hint, error, ...input }: FieldProps) {
  return <LabelledControl label={label} hint={hint} error={error} control={({ id, invalid, describedBy }) => <input id={id} name={name} aria-invalid={invalid ? true : undefined} aria-describedby={describedBy} {...input} />} />;
}

export interface TextAreaFieldProps extends Omit<React.TextareaHTMLAttributes<HTMLTextAreaElement>, "name"> {
  name: string;
  label: string;
  hint?: string;
  error?: FieldMessage | null;
}

/** A labelled textarea, like Field. */
export function TextAreaField({ name, label, hint, error, ...textarea }: TextAreaFieldProps) {
  return <LabelledControl label={label} hint={hint} error={error} control={({ id, invalid, describedBy }) => <textarea id={id} name={name} aria-invalid={invalid ? true : undefined} aria-describedby={describedBy} {...textarea} />} />;
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
