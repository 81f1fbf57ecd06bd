import type { ReactElement } from "react";
import type { EmailLocale } from "./i18n.ts";

/**
 * One transactional email: how to build its subject and its React element
 * from typed props in a given locale. Each template file exports one of these
 * (made with `defineEmail`) and emails/index.ts lists it in the registry.
 */
export interface EmailTemplate<P> {
  subject(props: P, locale: EmailLocale): string;
  element(props: P, locale: EmailLocale): ReactElement;
}

export function defineEmail<P>(template: EmailTemplate<P>): EmailTemplate<P> {
  return template;
}

/** Props of a template component: the template's props plus the locale. */
export type WithLocale<P> = P & { locale: EmailLocale };
