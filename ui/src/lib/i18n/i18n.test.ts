import { describe, expect, it } from "vitest";
import {
  CATALOGUES,
  LOCALES,
  detectLocale,
  interpolate,
  navigatorLanguages,
  placeholders,
  translate,
} from "./index";
import { en } from "./en";
import { fr } from "./fr";

describe("catalogues", () => {
  const enKeys = Object.keys(en).sort();

  it.each(LOCALES)("%s has exactly the English keys", (locale) => {
    expect(Object.keys(CATALOGUES[locale]).sort()).toEqual(enKeys);
  });

  it.each(LOCALES)("%s has no empty message", (locale) => {
    for (const [key, message] of Object.entries(CATALOGUES[locale])) {
      expect(message.trim(), key).not.toBe("");
    }
  });

  it("French uses the same placeholders as English", () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(fr[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it("French is actually translated", () => {
    expect(fr["welcome.connect"]).toBe("Connecter mes comptes");
    expect(fr["welcome.step1"]).toContain("trousseau");
    expect(fr["welcome.step1"]).toContain("jeton");
    expect(fr["welcome.lede"]).toContain("Organisation Scaleway");
    expect(fr["welcome.lede"]).toContain("approvisionnement automatique des utilisateurs");
  });
});

describe("detectLocale", () => {
  it.each([
    [["fr-FR", "en-US"], "fr"],
    [["fr"], "fr"],
    [["FR_ca"], "fr"],
    [["fr-BE"], "fr"],
    [["en-GB", "fr-FR"], "en"],
    [["de-DE", "fr-FR"], "fr"],
    [["de-DE", "es"], "en"],
    [["frr"], "en"],
    [[], "en"],
  ] as const)("%j → %s", (languages, expected) => {
    expect(detectLocale(languages)).toBe(expected);
  });
});

describe("navigatorLanguages", () => {
  it("prefers the ordered list, else the single language", () => {
    expect(navigatorLanguages({ languages: ["fr-FR", "en"], language: "fr-FR" })).toEqual(["fr-FR", "en"]);
    expect(navigatorLanguages({ languages: [], language: "fr-CA" })).toEqual(["fr-CA"]);
    expect(navigatorLanguages(undefined)).toEqual([]);
  });
});

describe("translate", () => {
  it("fills placeholders", () => {
    expect(translate("en", "footer.version", { version: "0.1.0" })).toBe("Version 0.1.0");
    expect(translate("fr", "progress.count", { n: 2, total: 4 })).toBe("Étape 2 sur 4");
  });

  it("leaves unknown placeholders alone", () => {
    expect(interpolate("{a} and {b}", { a: 1 })).toBe("1 and {b}");
    expect(interpolate("{a}")).toBe("{a}");
  });
});
