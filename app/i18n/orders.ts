// Orders pages and messages. Keys are "orders.<key>"; zh is typed by en.
export const en = {
} as const;

export const zh: Record<keyof typeof en, string> = {
};
