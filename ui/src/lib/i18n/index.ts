// Locale catalogues, detection and lookup: plain functions, no UI state.

import { en, type MessageKey, type Messages } from "./en";
import { fr } from "./fr";

export type { MessageKey, Messages };

export const LOCALES = ["en", "fr"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "en";

/** Each language's own name, shown the same whatever the current language. */
export const LOCALE_NAMES: Readonly<Record<Locale, string>> = {
  en: "English",
  fr: "Français",
};

export const CATALOGUES: Readonly<Record<Locale, Messages>> = { en, fr };

export type Params = Readonly<Record<string, string | number>>;
export type Translate = (key: MessageKey, params?: Params) => string;

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/**
 * Picks the language from the browser's preferences, in order:
 * the first French or English tag wins; anything else falls back to English.
 */
export function detectLocale(languages: readonly string[]): Locale {
  for (const tag of languages) {
    const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
    if (primary === "fr") return "fr";
    if (primary === "en") return "en";
  }
  return DEFAULT_LOCALE;
}

/** The browser's language preferences, most preferred first. */
export function navigatorLanguages(nav: Pick<Navigator, "language" | "languages"> | undefined): string[] {
  if (!nav) return [];
  if (nav.languages && nav.languages.length > 0) return [...nav.languages];
  return nav.language ? [nav.language] : [];
}

/** Replaces each {name} with its value; unknown placeholders are left as they are. */
export function interpolate(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

export function translate(locale: Locale, key: MessageKey, params?: Params): string {
  return interpolate(CATALOGUES[locale][key], params);
}

/** The {placeholders} a message uses, sorted, to compare translations. */
export function placeholders(message: string): string[] {
  return [...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? "").sort();
}
