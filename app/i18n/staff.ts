export const en = {
  title: "",
} as const;

export const zh: Record<keyof typeof en, string> = {
  title: "",
};
