// The module's release notes: the version's entry of CHANGELOG.md, or its Unreleased entry.

/**
 * The entry of `changelog` (CHANGELOG.md's text) for `version`, else its Unreleased entry, with
 * its heading. Throws an Error that says what to mend when there is none, or it cannot be used.
 */
export function releaseNotes(changelog, version) {
  // Line ends as any editor writes them: CRLF, LF, or CR alone.
  const text = changelog.replace(/\r\n?/g, '\n');
  const entries = text
    .split(/^(?=## \[)/m)
    .filter((entry) => entry.startsWith('## ['))
    .map((entry) => entry.trimEnd());
  const entry = entries.find((e) => e.startsWith(`## [${version}]`)) ?? entries.find((e) => e.startsWith('## [Unreleased]'));
  if (!entry) throw new Error(`CHANGELOG.md has no entry for ${version} and no Unreleased entry`);
  const [heading, ...body] = entry.split('\n');
  if (!body.some((line) => line.trim() !== '')) {
    const name = /^## \[([^\]]*)\]/.exec(heading)[1];
    throw new Error(`CHANGELOG.md's ${name} entry says nothing: write what changed under it`);
  }
  // Windows PowerShell 5.1 reads a manifest without a BOM in the system's ANSI code page.
  const other = /[^\t\n -~]/.exec(entry);
  if (other) {
    const code = `U+${other[0].codePointAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
    const line = text.slice(0, text.indexOf(entry) + other.index).split('\n').length;
    throw new Error(
      `CHANGELOG.md holds ${code} on line ${line}, in the entry for the release notes: write it in ASCII, which every PowerShell reads alike`,
    );
  }
  return entry;
}
