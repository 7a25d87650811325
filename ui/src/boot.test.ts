// index.html draws a first frame (logo and name) before the script runs; the app then replaces
// it. It must show what the app shows there in every language, with the same logo.
import { describe, expect, it } from "vitest";
import indexHtml from "../index.html?raw";
import logoSource from "./components/Logo.svelte?raw";
import { CATALOGUES, LOCALES } from "$lib/i18n";

/** The shapes of an SVG, as tag names and geometry attributes, in document order. */
function shapes(svg: string): string[] {
  const geometry = /\s(x|y|width|height|rx|d|cx|cy|r)="([^"]*)"/g;
  return [...svg.matchAll(/<(rect|path|circle)\b([^>]*)>/g)].map(([, tag, attributes]) => {
    const pairs = [...(attributes ?? "").matchAll(geometry)]
      .map(([, name, value]) => `${name}=${value}`)
      // A missing x or y is 0, as in the component's rect.
      .filter((pair) => pair !== "x=0" && pair !== "y=0")
      .sort();
    return `${tag} ${pairs.join(" ")}`;
  });
}

describe("the first frame in index.html", () => {
  const boot = /<div class="boot"[^>]*>([\s\S]*?)<\/div>/.exec(indexHtml)?.[1] ?? "";

  it("shows the welcome title, which is the same in every language", () => {
    const name = /<p class="boot-name">([^<]*)<\/p>/.exec(boot)?.[1];
    expect(name).toBeTruthy();
    for (const locale of LOCALES) {
      expect(CATALOGUES[locale]["welcome.title"], locale).toBe(name);
    }
  });

  it("draws the same logo as the app", () => {
    const logo = /<svg[\s\S]*?<\/svg>/.exec(logoSource)?.[0] ?? "";
    expect(shapes(boot)).toHaveLength(5);
    expect(shapes(boot)).toEqual(shapes(logo));
  });

  it("is hidden from screen readers, which hear the app's own heading a moment later", () => {
    expect(indexHtml).toMatch(/<div class="boot" aria-hidden="true">/);
  });
});
