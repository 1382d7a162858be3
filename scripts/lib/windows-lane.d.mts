export const DOTNET_RUNTIME: string;
export const LANE_PWSH: string;
export function laneEnv(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
export function ensureWindowsLane(): string | null;
export function runInLane(
  args: string[],
  options?: { timeoutMs?: number; env?: NodeJS.ProcessEnv; echo?: boolean },
): { code: number | string | null; stdout: string; stderr: string };
export function winePath(path: string): string;
