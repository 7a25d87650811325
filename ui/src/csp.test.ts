// The app runs under a strict CSP: default-src 'self', no inline script or style.
import { describe, expect, it } from "vitest";
import indexHtml from "../index.html?raw";

const components = import.meta.glob<string>("./**/*.svelte", {
  query: "?raw",
  import: "default",
  eager: true,
});

describe("CSP-friendly sources", () => {
  it("index.html has only the module entry script and nothing inline", () => {
    const scripts = [...indexHtml.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts).toHaveLength(1);
    expect(scripts[0]?.[1]).toContain('type="module"');
    expect(scripts[0]?.[1]).toContain("src=");
    expect(scripts[0]?.[2]?.trim()).toBe("");
    expect(indexHtml).not.toMatch(/\sstyle\s*=|<style|https?:\/\//i);
  });

  it("components use no inline styles, transitions or animations", () => {
    expect(Object.keys(components).length).toBeGreaterThan(3);
    for (const [file, source] of Object.entries(components)) {
      const markup = source.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/g, "");
      expect(markup, file).not.toMatch(/\sstyle(:[\w-]+)?\s*=|\s(transition|in|out|animate):/);
      expect(source, file).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    }
  });
});
