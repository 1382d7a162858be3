// The module's release notes: the version's entry of CHANGELOG.md, or its Unreleased entry.

/**
 * The entry of `changelog` (CHANGELOG.md's text) for `version`, else its Unreleased entry, with
 * its heading. Throws an Error that says what to mend when there is none, or it cannot be used.
 */
export function releaseNotes(changelog, version) {
  const entries = changelog
    .replace(/\r\n/g, '\n')
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
    const line = entry.slice(0, other.index).split('\n').length;
    throw new Error(
      `CHANGELOG.md's entry for the release notes holds ${code} on line ${line}: write it in ASCII, which every PowerShell reads alike`,
    );
  }
  return entry;
}
