// Pure helpers for the screens after step 1: no UI state, no IPC.

import type {
  GroupChoice_Serialize as GroupChoice,
  PersonChoice_Serialize as PersonChoice,
  PrincipalRef,
} from "./bindings";
import type { MessageKey } from "./i18n";

/** One user or group the admin ticked in the picker. */
export type Pick = {
  readonly kind: "user" | "group";
  /** The Entra object id (stable, unique). */
  readonly id: string;
  /** What the admin reads: a name, else the UPN or id. */
  readonly label: string;
  /** A UPN or mail under the name, if any. */
  readonly detail: string | null;
};

export function pickUser(user: PersonChoice): Pick {
  const label = user.display_name?.trim() || user.user_principal_name || user.mail || user.id;
  const detail = user.user_principal_name ?? user.mail ?? null;
  return { kind: "user", id: user.id, label, detail: detail === label ? null : detail };
}

export function pickGroup(group: GroupChoice): Pick {
  return {
    kind: "group",
    id: group.id,
    label: group.display_name?.trim() || group.id,
    detail: group.description?.trim() || null,
  };
}

export function pickKey(pick: Pick): string {
  return `${pick.kind}:${pick.id}`;
}

export function isPicked(selection: readonly Pick[], pick: Pick): boolean {
  const key = pickKey(pick);
  return selection.some((p) => pickKey(p) === key);
}

/** Adds the pick, or removes it when already there; the order of picking is kept. */
export function togglePick(selection: readonly Pick[], pick: Pick): Pick[] {
  const key = pickKey(pick);
  return isPicked(selection, pick) ? selection.filter((p) => pickKey(p) !== key) : [...selection, pick];
}

/** What `setup_assign` takes: users and groups by object id. */
export function principals(selection: readonly Pick[]): PrincipalRef[] {
  return selection.map((p) => ({ kind: p.kind, value: p.id }));
}

/** How long typing must pause before a search is sent. */
export const SEARCH_DELAY_MS = 300;

/** A search is worth sending once it has a letter or digit. */
export function searchable(query: string): boolean {
  return /[\p{L}\p{N}]/u.test(query);
}

/** Runs `fn` once `ms` after the last call; `cancel` drops a pending run. */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number) {
  let timer: ReturnType<typeof setTimeout> | null = null;
  return {
    call(...args: A) {
      if (timer !== null) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = null;
        fn(...args);
      }, ms);
    },
    cancel() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}

/** The plain label of one mapping change, by the `what` Rust sends. */
export function mappingLabel(what: string): MessageKey {
  switch (what) {
    case "group_provisioning":
      return "mappings.what.group_provisioning";
    case "name_formatted":
      return "mappings.what.name_formatted";
    case "display_name":
      return "mappings.what.display_name";
    case "user_name":
      return "mappings.what.user_name";
    case "group_attributes":
      return "mappings.what.group_attributes";
    default:
      return "mappings.what.other";
  }
}

/** "adele.vance" from what the proof found (the username Scaleway has), else from the UPN. */
export function provedUsername(report: {
  expected_username: string | null;
  user_principal_name: string | null;
}): string | null {
  if (report.expected_username) return report.expected_username;
  const upn = report.user_principal_name;
  return upn ? (upn.split("@")[0] ?? upn) : null;
}

/** Elapsed time as the progress list shows it: "0.4 s", "12 s", "1 min 05 s". */
export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, ms) / 1000;
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, "0")} s`;
}
