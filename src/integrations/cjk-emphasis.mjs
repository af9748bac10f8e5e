// @ts-check
/**
 * CommonMark only opens `**` when the next character is not punctuation or the previous one is
 * whitespace/punctuation (and the mirror rule for closing). Chinese has no spaces, so text like
 * 做到**“六不”**： or **……。**接着 keeps its asterisks. This mdast plugin (for Astro's Sätteri
 * processor) turns each remaining `**…**` pair inside one text node into real bold text.
 */

/**
 * Splits a string on balanced `**` pairs: [plain, bold, plain, bold, …, plain], or null when none.
 * @param {string} value
 * @returns {string[] | null}
 */
export function splitCjkStrong(value) {
  if (!value.includes('**')) return null;
  const parts = value.split('**');
  // An odd number of markers means one is unmatched: leave the last one as typed.
  const pairs = Math.floor((parts.length - 1) / 2);
  if (pairs === 0) return null;
  /** @type {string[]} */
  const out = [];
  let i = 0;
  for (let p = 0; p < pairs; p++) {
    out.push(parts[i] ?? '', parts[i + 1] ?? '');
    i += 2;
  }
  out.push(parts.slice(i).join('**'));
  // A pair with nothing between (****) is not emphasis.
  if (out.some((s, k) => k % 2 === 1 && s.trim() === '')) return null;
  return out;
}

/** Sätteri mdast plugin: replaces text nodes that still hold `**…**` with text + strong nodes. */
export const cjkEmphasis = {
  name: 'cjk-emphasis',
  /** @param {{ type?: string, value: string }} node @param {any} ctx */
  text(node, ctx) {
    const parts = splitCjkStrong(node.value);
    if (!parts) return;
    /** @type {Array<{ type: 'text', value: string } | { type: 'strong', children: Array<{ type: 'text', value: string }> }>} */
    const nodes = [];
    parts.forEach((s, k) => {
      if (k % 2 === 1) nodes.push({ type: 'strong', children: [{ type: 'text', value: s }] });
      else if (s) nodes.push({ type: 'text', value: s });
    });
    ctx.replaceNode(node, nodes);
  },
};
