import { describe, expect, it } from "vitest";
import * as flow from "./scalewayFlow";
import { BASE_URL, OFF, outcome, report, scim, token, uiError } from "../test/fixtures";

const start = flow.initialFlow(false);

describe("Scaleway sub-flow", () => {
  it("starts on the credentials, with nothing to continue with", () => {
    expect(start.view).toBe("credentials");
    expect(flow.canContinue(start)).toBe(false);
    expect(flow.previousView(start)).toBeNull();
  });

  it("credentials → enable → token → ready when SCIM is off and the Base URL is found", () => {
    const connected = flow.connected(start, report({ scim_enabled: false }));
    expect(connected.view).toBe("enable");
    expect(connected.report?.organization_name).toBe("Acme Practice");

    const enabled = flow.enabled(connected, scim([]));
    expect(enabled.view).toBe("token");
    expect(flow.mustDeleteFirst(enabled)).toBe(false);

    const ready = flow.minted(enabled, outcome());
    expect(ready.view).toBe("ready");
    expect(ready.baseUrl).toBe(BASE_URL);
    expect(ready.token?.id).toBe("tok-new");
    expect(ready.storedInKeychain).toBe(true);
    expect(flow.canContinue(ready)).toBe(true);
  });

  it("skips enabling when SCIM is already on", () => {
    const connected = flow.connected(start, report({ scim_enabled: true }));
    expect(connected.view).toBe("token");
    expect(connected.scim).toBeNull();
    expect(flow.scimLoaded(connected, scim([])).view).toBe("token");
  });

  it("asks for the Base URL when the app could not find it, and only a verified one continues", () => {
    const atToken = flow.connected(start, report({ scim_enabled: true }));
    const pasting = flow.minted(atToken, outcome({ base_url: null }));
    expect(pasting.view).toBe("base_url");
    expect(pasting.baseUrl).toBeNull();
    expect(flow.canContinue(pasting)).toBe(false);
    expect(flow.previousView(pasting)).toBeNull();

    const done = flow.baseUrlVerified(pasting, BASE_URL);
    expect(done.view).toBe("ready");
    expect(flow.canContinue(done)).toBe(true);
  });

  it("remembers a resumed token", () => {
    const atToken = flow.connected(start, report({ scim_enabled: true }));
    const ready = flow.minted(atToken, outcome({ resumed: true }));
    expect(ready.resumed).toBe(true);
    expect(ready.view).toBe("ready");
  });

  describe("at the limit of two tokens", () => {
    const older = token("tok-old", "2025-03-01T08:00:00Z");
    const newer = token("tok-newer", "2026-01-10T08:00:00Z");
    const atToken = flow.connected(start, report({ scim_enabled: true }));
    // The list as Scaleway may send it: not necessarily oldest first.
    const full = flow.scimLoaded(atToken, scim([newer, older]));

    it("must delete first, and offers the older token", () => {
      expect(full.view).toBe("token");
      expect(flow.mustDeleteFirst(full)).toBe(true);
      expect(flow.olderToken(full.scim)?.id).toBe("tok-old");
    });

    it("can mint once the older token is gone", () => {
      const after = flow.tokenDeleted(full, scim([newer]));
      expect(flow.mustDeleteFirst(after)).toBe(false);
      expect(after.view).toBe("token");
      expect(flow.minted(after, outcome()).view).toBe("ready");
    });

    it("counts an undated token as the oldest", () => {
      expect(flow.olderToken(scim([newer, token("x", "", { created_at: null })]))?.id).toBe("x");
      expect(flow.olderToken(null)).toBeNull();
    });
  });

  it("manual path: a checked token and Base URL go straight to ready", () => {
    const ready = flow.usedExisting(start, BASE_URL);
    expect(ready).toMatchObject({ view: "ready", manual: true, baseUrl: BASE_URL, token: null, report: null });
    expect(flow.canContinue(ready)).toBe(true);
    expect(flow.previousView(ready)).toBe("credentials");
    expect(flow.back(ready)).toEqual(start);
  });

  it("has no manual path in practice mode", () => {
    const practice = flow.initialFlow(true);
    expect(flow.usedExisting(practice, BASE_URL)).toBe(practice);
  });

  it("goes back to the credentials from enable and token", () => {
    const enabling = flow.connected(start, report());
    expect(flow.back(enabling)).toEqual(start);
    const atToken = flow.enabled(enabling, scim());
    expect(flow.back(atToken)).toEqual(start);
    const ready = flow.minted(atToken, outcome());
    expect(flow.back(ready)).toBe(ready);
  });

  it("returns to enable if SCIM turns out to be off", () => {
    const atToken = flow.connected(start, report({ scim_enabled: true }));
    expect(flow.scimLoaded(atToken, OFF).view).toBe("enable");
  });

  it("remembers that the keychain is unavailable, and nothing else from errors", () => {
    const atToken = flow.connected(start, report({ scim_enabled: true }));
    expect(flow.failed(atToken, uiError("keychain_locked"))).toBe(atToken);
    const noKeychain = flow.failed(atToken, uiError("keychain_unavailable"));
    expect(noKeychain.keychainUnavailable).toBe(true);
    const minted = flow.minted(noKeychain, outcome({ stored_in_keychain: false }));
    expect(minted.storedInKeychain).toBe(false);
  });

  it("ends a mint attempt the same way from enable and from token", () => {
    const connected = flow.connected(start, report({ scim_enabled: false }));
    const fromEnable = flow.enabled(connected, scim([]));
    const fromToken = flow.scimLoaded(flow.connected(start, report({ scim_enabled: true })), scim([]));
    for (const atToken of [fromEnable, fromToken]) {
      expect(flow.mintSettled(atToken, { status: "ok", data: outcome() })).toEqual(flow.minted(atToken, outcome()));
      // The token could not be kept: still the token view, now offering to go on without the keychain.
      const noKeychain = flow.mintSettled(atToken, { status: "error", error: uiError("keychain_unavailable") });
      expect(noKeychain.view).toBe("token");
      expect(noKeychain.keychainUnavailable).toBe(true);
      // Any other failure leaves the token view as it was.
      expect(flow.mintSettled(atToken, { status: "error", error: uiError("scim_token_lost") })).toBe(atToken);
    }
  });

  it("ignores moves that don't fit the current view", () => {
    expect(flow.enabled(start, scim())).toBe(start);
    expect(flow.minted(start, outcome())).toBe(start);
    expect(flow.baseUrlVerified(start, BASE_URL)).toBe(start);
    const ready = flow.usedExisting(start, BASE_URL);
    expect(flow.connected(ready, report())).toBe(ready);
    // Never "enabled" with a state that says SCIM is off.
    const enabling = flow.connected(start, report());
    expect(flow.enabled(enabling, OFF)).toBe(enabling);
  });

  it("holds no secret", () => {
    const ready = flow.minted(flow.connected(start, report({ scim_enabled: true })), outcome());
    expect(JSON.stringify(ready)).not.toMatch(/bearer|secret/i);
  });
});
