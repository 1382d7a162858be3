export function pinnedNodeVersion(): string;
export const TARGETS: Record<'linux-x64' | 'win-x64', { pkg: string; file: string; exe: string }>;
export function nodeBinary(target: 'linux-x64' | 'win-x64', version?: string): string;
