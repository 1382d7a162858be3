export function certText(seed: string | number, length: number): string;
export function recordText(r: {
  alias: string;
  displayName?: string;
  org?: string;
  site?: string;
  state?: number | null;
  numSCerts?: number | null;
  certLength?: number;
  eol?: string;
}): string;
export function recordFileName(index: number): string;
