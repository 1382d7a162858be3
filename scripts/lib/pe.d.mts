export function setPeChecksum(pe: Buffer): Buffer;
export function withoutSignature(pe: Buffer): Buffer;
