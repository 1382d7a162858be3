import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/root.js';

// The README is short and points into docs/: a moved or renamed section must not leave a link behind.
const DOCUMENTS = [
  'README.md',
  'CONTRIBUTING.md',
  'CHANGELOG.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** The text outside fenced code blocks and inline code, where a link is a link. */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, (code) => code.replace(/[[\]()]/g, ' '));
}

/** The anchors GitHub gives a document's headings: lower case, punctuation dropped, spaces as '-', repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const [, heading] of markdown.replace(/^```[\s\S]*?^```/gm, '').matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
    const slug = (heading ?? '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return out;
}

/** Every relative link of a document: [text](target) and <target> forms, targets without a scheme. */
function relativeLinks(markdown: string): string[] {
  const text = prose(markdown);
  const targets = [...text.matchAll(/\]\(([^)\s]+)(?: "[^"]*")?\)/g)].map((m) => m[1] ?? '');
  return targets.filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t));
}

describe('the documents link only to what exists', () => {
  it('finds the documents and their links', () => {
    expect(DOCUMENTS).toEqual(expect.arrayContaining(['README.md', 'docs/cli.md', 'docs/safety.md']));
    expect(relativeLinks(readFileSync(join(ROOT, 'README.md'), 'utf8'))).toContain('docs/cli.md');
    expect(anchors('# A `kmsdb get` title\n## Packages, and installing them\n## Exit codes\n## Exit codes\n')).toEqual(
      new Set(['a-kmsdb-get-title', 'packages-and-installing-them', 'exit-codes', 'exit-codes-1']),
    );
  });

  it.each(DOCUMENTS)('every relative link in %s resolves, #anchors included', (document) => {
    const broken: string[] = [];
    for (const link of relativeLinks(readFileSync(join(ROOT, document), 'utf8'))) {
      const [path = '', anchor] = link.split('#');
      const target = path === '' ? join(ROOT, document) : join(ROOT, dirname(document), decodeURIComponent(path));
      if (!existsSync(target)) {
        broken.push(`${link}: no ${relative(ROOT, target)}`);
        continue;
      }
      if (anchor === undefined) continue;
      if (!target.endsWith('.md') || statSync(target).isDirectory()) {
        broken.push(`${link}: an anchor into a file that is not Markdown`);
        continue;
      }
      if (!anchors(readFileSync(target, 'utf8')).has(anchor)) broken.push(`${link}: no heading '#${anchor}' in ${relative(ROOT, target)}`);
    }
    expect(broken).toEqual([]);
  });
});
