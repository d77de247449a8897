/** Plain-text files as the lines a check reads: physical lines, or backslash-continued commands joined. */
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
