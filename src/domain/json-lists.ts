/**
 * A list of strings kept as JSON text in a column (a task's regions and progress keys, an
 * application's review keys, an expert's fields). Stored text is not trusted to be what was
 * written — a hand edit or a row of an older version must not stop a card — so only the strings
 * of an array are kept, and anything else (NULL, text that is not JSON, JSON that is not an
 * array) is the empty list.
 */
export function stringListOf(raw: string | null | undefined): string[] {
  let parsed: unknown;
  try {
    // String(null) is 'null' (JSON null), String(undefined) is not JSON: both end as [] below.
    parsed = JSON.parse(String(raw));
  } catch {
    return [];
  }
  return Array.isArray(parsed) ? parsed.filter((s): s is string => typeof s === 'string') : [];
}
