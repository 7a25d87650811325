import { describe, expect, it } from "vitest";
import { translate, type MessageKey } from "./i18n";
import {
  TEXT_FIELDS,
  describedBy,
  emptyForm,
  fieldIds,
  formFrom,
  isDirty,
  lockOf,
  placeholderOf,
  presentProblem,
  problemsByField,
  toPreferences,
} from "./settingsConnection";
import { connectionView } from "../test/settingsFixtures";

describe("the connection form", () => {
  it("starts from the saved values, empty meaning the default", () => {
    const form = formFrom({ ...connectionView().saved, cloud: "usgov", login_url: "https://login.example" });
    expect(form.cloud).toBe("usgov");
    expect(form.login_url).toBe("https://login.example");
    expect(form.client_id).toBe("");
    expect(formFrom(connectionView().saved)).toEqual(emptyForm());
  });

  it("sends trimmed values, null for empty ones and for the Global cloud", () => {
    const form = { ...emptyForm(), cloud: "china" as const, tenant: "  contoso.com ", graph_url: "   " };
    expect(toPreferences(form)).toEqual({
      cloud: "china",
      client_id: null,
      tenant: "contoso.com",
      login_url: null,
      graph_url: null,
      scaleway_url: null,
      scim_base_url: null,
    });
    expect(toPreferences(emptyForm()).cloud).toBeNull();
  });

  it("is dirty only when saving would change the file", () => {
    const saved = { ...connectionView().saved, tenant: "contoso.com" };
    const form = formFrom(saved);
    expect(isDirty(form, saved)).toBe(false);
    expect(isDirty({ ...form, tenant: " contoso.com " }, saved)).toBe(false);
    expect(isDirty({ ...form, tenant: "" }, saved)).toBe(true);
    expect(isDirty({ ...form, cloud: "usgov" }, saved)).toBe(true);
  });
});

describe("locks, placeholders and problems", () => {
  it("locks a field its environment variable sets, and only that one", () => {
    const view = connectionView();
    view.fields = view.fields.map((f) =>
      f.field === "login_url"
        ? { ...f, source: "environment", environment_value: "http://127.0.0.1:9/login" }
        : f,
    );
    expect(lockOf(view, "login_url")).toEqual({
      variable: "SCIM_WIZARD_LOGIN_URL",
      value: "http://127.0.0.1:9/login",
    });
    expect(lockOf(view, "graph_url")).toBeNull();
  });

  it("shows the chosen cloud's own addresses as placeholders", () => {
    const view = connectionView();
    expect(placeholderOf(view, "global", "login_url")).toBe("https://login.microsoftonline.com");
    expect(placeholderOf(view, "usgov", "graph_url")).toBe("https://graph.microsoft.us");
    expect(placeholderOf(view, "china", "login_url")).toBe("https://login.chinacloudapi.cn");
    expect(placeholderOf(view, "global", "client_id")).toBe("14d82eec-204b-4c2f-b7e8-296a70dab67e");
    expect(placeholderOf(view, "global", "scaleway_url")).toBe("https://api.scaleway.com");
    expect(placeholderOf(view, "global", "tenant")).toBeNull();
  });

  it("keeps the first problem of each field", () => {
    expect(
      problemsByField([
        { field: "tenant", message: "first" },
        { field: "tenant", message: "second" },
        { field: "login_url", message: "bad" },
      ]),
    ).toEqual({ tenant: "first", login_url: "bad" });
  });

  it("shows Rust's precise sentence in English, and a French sentence with Rust's as a detail", () => {
    const rust = "The URL must start with https:// (it starts with ftp://).";
    const en = (key: MessageKey) => translate("en", key);
    const fr = (key: MessageKey) => translate("fr", key);
    expect(presentProblem("graph_url", rust, "en", en)).toEqual({ message: rust, detail: null });
    const french = presentProblem("graph_url", rust, "fr", fr);
    expect(french.message).toContain("https://");
    expect(french.message).toMatch(/Saisissez/);
    expect(french.detail).toBe(rust);
    expect(presentProblem("client_id", "", "en", en).message).toContain("GUID");
  });

  it("names the ids aria-describedby points at, the error first", () => {
    expect(fieldIds("scim_base_url")).toEqual({
      input: "settings-scim-base-url",
      help: "settings-scim-base-url-help",
      error: "settings-scim-base-url-error",
      lock: "settings-scim-base-url-lock",
      warning: "settings-scim-base-url-warning",
    });
    expect(describedBy("tenant", true, false)).toBe("settings-tenant-error settings-tenant-help");
    expect(describedBy("graph_url", false, false, true)).toBe("settings-graph-url-warning settings-graph-url-help");
    expect(describedBy("tenant", false, true)).toBe("settings-tenant-lock settings-tenant-help");
    expect(describedBy("tenant", false, false)).toBe("settings-tenant-help");
    expect(TEXT_FIELDS).not.toContain("cloud");
  });
});
