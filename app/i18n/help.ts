// Help pages and messages. Keys are "help.<key>"; zh is typed by en.
export const en = {
} as const;

export const zh: Record<keyof typeof en, string> = {
};
