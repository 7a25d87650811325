// The current language as reactive state, remembered between runs.

import {
  DEFAULT_LOCALE,
  detectLocale,
  isLocale,
  navigatorLanguages,
  translate,
  type Locale,
  type MessageKey,
  type Params,
} from "./index";

export const STORAGE_KEY = "scim-wizard.locale";

function storage(): Storage | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    // Access can throw when storage is disabled.
    return null;
  }
}

/** The remembered choice if there is one, else the browser's preference. */
export function initialLocale(): Locale {
  const saved = storage()?.getItem(STORAGE_KEY);
  if (isLocale(saved)) return saved;
  if (typeof navigator === "undefined") return DEFAULT_LOCALE;
  return detectLocale(navigatorLanguages(navigator));
}

function applyToDocument(locale: Locale): void {
  if (typeof document !== "undefined") document.documentElement.lang = locale;
}

class I18n {
  locale: Locale = $state(DEFAULT_LOCALE);

  constructor(locale: Locale) {
    this.locale = locale;
    applyToDocument(locale);
  }

  /** Looks a message up in the current language; reading it inside markup keeps it reactive. */
  t = (key: MessageKey, params?: Params): string => translate(this.locale, key, params);

  set(locale: Locale): void {
    this.locale = locale;
    applyToDocument(locale);
    try {
      storage()?.setItem(STORAGE_KEY, locale);
    } catch {
      // Not remembering the choice is harmless.
    }
  }
}

export const i18n = new I18n(initialLocale());
