/** A check's message is a template: `{{NAME}}` is filled from what the match captured. */
export const MESSAGE_VAR = /\{\{([A-Za-z_][A-Za-z0-9_]*)\}\}/g;

/** The template as a reader sees it before any match fills it: each variable (or run of them) an ellipsis. */
export function messageOutline(template: string): string {
  return template.replace(/(?:\{\{[A-Za-z_][A-Za-z0-9_]*\}\})+/g, "…");
}
