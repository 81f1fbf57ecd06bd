import { expiringLinkEmail, type ExpiringLinkProps } from "./expiring-link.tsx";

/** One-click sign-in link requested for this address. */
export type MagicLinkProps = ExpiringLinkProps;
export const magicLink = expiringLinkEmail("magic-link");
