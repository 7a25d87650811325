import { describe, expect, it } from "vitest";
import type { Attention } from "./bindings";
import { fixFor } from "./home";

describe("the home screen's leading fix", () => {
  it("renews a token that is refused, expired or near its end", () => {
    const cases: Attention[] = [
      { kind: "token_refused" },
      { kind: "token_expired" },
      { kind: "token_expires_soon", days: 19 },
      { kind: "quarantined", cause: "scaleway_refuses" },
    ];
    for (const attention of cases) expect(fixFor(attention), attention.kind).toBe("renew");
  });

  it("checks again after a failed cycle or another quarantine", () => {
    expect(fixFor({ kind: "last_cycle_failed" })).toBe("check_again");
    expect(fixFor({ kind: "quarantined", cause: "too_many_failures" })).toBe("check_again");
  });

  it("offers no button where only a new setup helps", () => {
    expect(fixFor({ kind: "scim_disabled" })).toBeNull();
    expect(fixFor({ kind: "app_missing" })).toBeNull();
  });
});
