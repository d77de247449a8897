/** Plain-text files as the lines a check reads: physical lines, or backslash-continued commands joined. */
import { splitLines } from "./finalize.ts";

/** Regex checks look at one line at a time; longer lines (generated data, minified code) are not matched. */
export const MAX_REGEX_LINE = 4096;

/**
 * The lines a regex check is tested on, with the physical line each starts at and, for a joined command, where
 * each physical line's text begins in it (a backslash-continued command is one line; its pieces join with a space).
 */
export function logicalLines(lines: readonly string[], join: boolean): { text: string; line: number; starts: number[] }[] {
  if (!join) return lines.map((text, line) => ({ text, line, starts: [0] }));
  const out: { text: string; line: number; starts: number[] }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const first = i;
    let text = lines[i]!;
    const starts = [0];
    while (/\\\s*$/.test(text) && i + 1 < lines.length && text.length <= MAX_REGEX_LINE) {
      // A comment line inside a continued Dockerfile instruction is dropped by Docker, not a command's end.
      if (/^\s*#/.test(lines[i + 1]!)) {
        i++;
        starts.push(text.length);
        continue;
      }
      text = `${text.replace(/\\\s*$/, "")} `;
      starts.push(text.length);
      text += lines[++i]!;
    }
    out.push({ text, line: first, starts });
  }
  return out;
}

/**
 * A plain-text file's lines as regex checks read them. In Markdown the commands are the code: fenced blocks
 * (``` or ~~~, indented inside a list item too; a powershell block's trailing backticks read as a shell's
 * backslash continuations), inline code spans that hold a command, and a bare line that reads as one
 * (a lowercase word, `$ ` or `./` first, and an option): the rest of the prose is blanked, so a sentence that
 * mentions a flag (`--dashboard-host=0.0.0.0 to allow scraping`) is not read as a command. Line numbers and
 * columns stay those of the file.
 */
export function textLines(path: string, text: string): string[] {
  const lines = splitLines(text);
  if (!/\.(md|markdown)$/i.test(path)) return lines;
  let fence: string | undefined;
  let powershell = false;
  return lines.map((l) => {
    const m = /^\s*(`{3,}|~{3,})\s*([\w-]*)/.exec(l);
    if (m && (fence === undefined || (m[1]![0] === fence[0] && m[1]!.length >= fence.length && l.trim() === m[1]))) {
      fence = fence === undefined ? m[1] : undefined;
      powershell = fence !== undefined && /^(?:powershell|pwsh|ps1?)$/i.test(m[2]!);
      return "";
    }
    // PowerShell continues a command with a trailing backtick where a shell uses a backslash
    if (fence !== undefined) return powershell ? l.replace(/\s`\s*$/, " \\") : l;
    if (!l.includes("`")) return BARE_COMMAND.test(l) ? l : "";
    // inline code spans that hold a command (`docker run -p 8081:8081 img`: words and an option) kept in place,
    // everything around them blanked; a span that names a thing (`vllm serve`, `--host`) is prose
    return l.replace(/(`+)(.+?)\1(?!`)|[\s\S]/g, (whole, ticks: string | undefined, code: string | undefined) =>
      ticks && isInlineCommand(code!) ? `${" ".repeat(ticks.length)}${code}${" ".repeat(ticks.length)}` : " ".repeat(whole.length),
    );
  });
}

/** An inline code span that is a command: more than one word, one of them an option (`ray start --head`). */
const isInlineCommand = (code: string) => /\S\s+\S/.test(code) && /(?:^|\s)-{1,2}[A-Za-z]/.test(code);

/** A Markdown line outside code that is itself a command someone pastes: `docker run -p 8081:8081 img`. */
const BARE_COMMAND = /^\s{0,3}(?:\$\s+|\.\/|sudo\s+)?[a-z][\w.-]*\s[^\n]*\s--?[A-Za-z]/;
