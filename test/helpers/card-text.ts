/** The text a person sees in a card: every markdown and plain_text content, entities decoded. */
export function visibleText(card: unknown): string {
  const parts: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node && typeof node === 'object') {
      const obj = node as Record<string, unknown>;
      if (typeof obj.content === 'string') parts.push(obj.content);
      Object.values(obj).forEach(walk);
    }
  };
  walk(card);
  return parts.join('\n').replace(/&#(\d+);/g, (_, code) => String.fromCharCode(Number(code)));
}
