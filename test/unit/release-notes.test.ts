import { describe, expect, it } from 'vitest';
import { releaseNotes } from '../../scripts/lib/release-notes.mjs';

const head = '# Changelog\n\nAll notable changes.\n\n';

describe("release notes from CHANGELOG.md (the built manifest's ReleaseNotes)", () => {
  it("take the version's entry over Unreleased, with CRLF line ends read as LF", () => {
    const text = `${head}## [Unreleased]\n\n### Changed\n\n- next\n\n## [0.2.0] - 2026-12-01\n\n### Added\n\n- it's here\n`;
    expect(releaseNotes(text.replace(/\n/g, '\r\n'), '0.2.0')).toBe("## [0.2.0] - 2026-12-01\n\n### Added\n\n- it's here");
    expect(releaseNotes(text, '0.3.0')).toBe('## [Unreleased]\n\n### Changed\n\n- next');
  });

  it('take CR line ends, alone or with LF, as line ends', () => {
    const text = `${head}## [Unreleased]\n\n- one\n- two\n`;
    expect(releaseNotes(text.replace(/\n/g, '\r'), '0.2.0')).toBe('## [Unreleased]\n\n- one\n- two');
    expect(releaseNotes(text.replace('- one\n', '- one\r'), '0.2.0')).toBe('## [Unreleased]\n\n- one\n- two');
  });

  it('are refused when there is no entry to take, or it says nothing', () => {
    expect(() => releaseNotes(`${head}## [0.1.0]\n\n- old\n`, '0.2.0')).toThrow(
      'CHANGELOG.md has no entry for 0.2.0 and no Unreleased entry',
    );
    expect(() => releaseNotes(`${head}## [Unreleased]\n\n## [0.1.0]\n\n- old\n`, '0.2.0')).toThrow(
      "CHANGELOG.md's Unreleased entry says nothing: write what changed under it",
    );
  });

  it('are refused when they hold anything but printable ASCII, naming it by its code point', () => {
    expect(() => releaseNotes(`${head}## [Unreleased]\n\n- café\n`, '0.2.0')).toThrow(
      'CHANGELOG.md holds U+00E9 on line 7, in the entry for the release notes: write it in ASCII, which every PowerShell reads alike',
    );
    expect(() => releaseNotes(`${head}## [Unreleased]\n\n- a\u001b[2J\n`, '0.2.0')).toThrow(
      'CHANGELOG.md holds U+001B on line 7, in the entry for the release notes: write it in ASCII, which every PowerShell reads alike',
    );
  });
});
