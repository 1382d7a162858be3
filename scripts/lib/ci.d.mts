export const IN_CI: boolean;
