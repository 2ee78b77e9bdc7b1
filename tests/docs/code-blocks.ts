import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { repoRoot } from '../workspace.js';

/**
 * The fence tags the docs may use. `js` blocks are complete ES modules that CI runs with plain
 * Node against the built packages; `js no-run` and `ts no-run` are fragments or signatures;
 * `sh` and `text` are shell commands and output. Anything else is refused, so a block cannot
 * silently escape the run by a typo in its tag.
 */
export const FENCE_TAGS = ['js', 'js no-run', 'ts no-run', 'sh', 'text'] as const;
export type FenceTag = (typeof FENCE_TAGS)[number];

export interface CodeBlock {
  /** The info string after the opening fence, trimmed. */
  tag: string;
  code: string;
  /** 1-based line of the opening fence. */
  line: number;
}

/** Every fenced block of a Markdown page, in order (``` fences only, as the docs use). */
export function codeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  let open: { tag: string; line: number; body: string[] } | null = null;
  lines.forEach((text, index) => {
    const fence = /^```(.*)$/.exec(text);
    if (open === null) {
      if (fence) open = { tag: fence[1]!.trim(), line: index + 1, body: [] };
      return;
    }
    if (text.trim() === '```') {
      blocks.push({ tag: open.tag, code: `${open.body.join('\n')}\n`, line: open.line });
      open = null;
    } else {
      open.body.push(text);
    }
  });
  if (open !== null) {
    const unclosed = open as { line: number };
    throw new Error(`unclosed code fence opened at line ${unclosed.line}`);
  }
  return blocks;
}

/** The blocks CI runs. */
export function runnableBlocks(markdown: string): CodeBlock[] {
  return codeBlocks(markdown).filter((b) => b.tag === 'js');
}

export const docsRoot = join(repoRoot, 'docs');

/** The Markdown pages this test owns: the index, the architecture, the guides, the gallery. */
export function docPages(): string[] {
  const pages = ['README.md', 'architecture.md'];
  for (const folder of ['guides', 'examples']) {
    const dir = join(docsRoot, folder);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) if (f.endsWith('.md')) pages.push(`${folder}/${f}`);
  }
  return pages.filter((p) => existsSync(join(docsRoot, p)));
}

/**
 * Relative links of a page (`[text](target)`) that point at nothing in the repository. Links
 * into `docs/api/` are to the TypeDoc output, which `pnpm run docs` generates and git ignores, so
 * they only have to stay inside that folder.
 */
export function brokenLinks(page: string, markdown: string): string[] {
  const broken: string[] = [];
  const from = dirname(join(docsRoot, page));
  // Links inside code blocks are code, not links.
  const prose = markdown.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');
  for (const match of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = match[1]!;
    if (/^[a-z]+:/i.test(target) || target.startsWith('#')) continue;
    const path = resolve(from, target.split('#')[0]!);
    const inRepo = relative(repoRoot, path);
    if (inRepo.startsWith('..')) {
      broken.push(target);
    } else if (inRepo === join('docs', 'api') || inRepo.startsWith(join('docs', 'api', ''))) {
    } else if (!existsSync(path)) {
      broken.push(target);
    } else {
      const anchor = target.split('#')[1];
      if (anchor !== undefined && path.endsWith('.md')) {
        if (!headingAnchors(readFileSync(path, 'utf8')).has(anchor)) broken.push(target);
      }
    }
  }
  for (const match of prose.matchAll(/\]\(#([^)\s]+)\)/g)) {
    if (!headingAnchors(markdown).has(match[1]!)) broken.push(`#${match[1]}`);
  }
  return broken;
}

/** The anchors GitHub makes of a page's headings (lower case, punctuation dropped, - for space). */
export function headingAnchors(markdown: string): Set<string> {
  const prose = markdown.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');
  const anchors = new Set<string>();
  for (const match of prose.matchAll(/^#{1,6} +(.+?) *$/gm)) {
    const slug = match[1]!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/ /g, '-');
    let unique = slug;
    for (let i = 1; anchors.has(unique); i++) unique = `${slug}-${i}`;
    anchors.add(unique);
  }
  return anchors;
}

export function readPage(page: string): string {
  return readFileSync(join(docsRoot, page), 'utf8');
}
