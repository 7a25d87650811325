// Dates as the admin reads them, in the current language.

import type { Locale } from "./i18n";

/** "16 June 2027" / "16 juin 2027" (English uses the day-month order that reads the same everywhere). */
export function formatDate(iso: string | null | undefined, locale: Locale): string | null {
  if (!iso) return null;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  return new Intl.DateTimeFormat(locale === "fr" ? "fr-FR" : "en-GB", { dateStyle: "long" }).format(date);
}
