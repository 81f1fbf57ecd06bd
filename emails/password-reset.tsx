import { expiringLinkEmail, type ExpiringLinkProps } from "./expiring-link.tsx";

/** Link to choose a new password. */
export type PasswordResetProps = ExpiringLinkProps;
export const passwordReset = expiringLinkEmail("password-reset");
