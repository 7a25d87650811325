import { describe, expect, it } from "vitest";
import type {
  Attention,
  FailureCause,
  GroupFinding,
  JobCondition,
  PreflightFix,
  ProgressMessage_Serialize as ProgressMessage,
  ProofFinding,
  QuarantineCause,
  RollbackKept,
  RollbackWhat,
  UiError,
} from "./bindings";
import { translate, type Locale, type Translate } from "./i18n";
import {
  attentionSentence,
  failureSentence,
  fixSentence,
  groupProofSentence,
  jobSentence,
  keptSentence,
  needsKeySentence,
  progressSentence,
  proofSentence,
  undoSentence,
} from "./said";

const seen: ProofFinding = {
  kind: "seen",
  upn: "jane@contoso.com",
  username: "jane",
  channel: "scim",
  cycle_finished: false,
};
const error: UiError = { code: "scim_token_refused", message: "Scaleway refused it.", hint: "", retryable: false };

// One of each kind Rust sends. Typed as complete records: a new kind does not compile until it
// has a sample here, so each one is rendered below in both languages.
const PROGRESS: { [K in ProgressMessage["kind"]]: Extract<ProgressMessage, { kind: K }> } = {
  checking_permissions: { kind: "checking_permissions" },
  permissions_ok: { kind: "permissions_ok", account: "admin@contoso.com", role: "Cloud Application Administrator" },
  checking_scim: { kind: "checking_scim" },
  checking_given_token: { kind: "checking_given_token" },
  scim_enabled_now: { kind: "scim_enabled_now" },
  scim_already_enabled: { kind: "scim_already_enabled" },
  given_token_works: { kind: "given_token_works" },
  creating_token: { kind: "creating_token" },
  token_created: { kind: "token_created", kept: "keychain" },
  token_reused: { kind: "token_reused", kept: "memory_keychain_refused" },
  using_given_token: { kind: "using_given_token", kept: "memory_as_chosen" },
  creating_app: { kind: "creating_app", name: "Scaleway SCIM (1)" },
  app_created: { kind: "app_created", name: "Scaleway SCIM (1)" },
  app_reused: { kind: "app_reused", name: "Scaleway SCIM (1)" },
  app_gone_creating_again: { kind: "app_gone_creating_again" },
  app_found_by_name: { kind: "app_found_by_name", name: "Scaleway SCIM (1)" },
  app_creation_unconfirmed: { kind: "app_creation_unconfirmed" },
  creating_job: { kind: "creating_job" },
  job_created: { kind: "job_created" },
  job_exists: { kind: "job_exists" },
  job_gone_creating_again: { kind: "job_gone_creating_again" },
  testing_connection: { kind: "testing_connection" },
  connection_tested_saving: { kind: "connection_tested_saving" },
  connection_saved: { kind: "connection_saved" },
  connection_saved_earlier: { kind: "connection_saved_earlier" },
  connection_refused: { kind: "connection_refused", error },
  reading_mappings: { kind: "reading_mappings" },
  editing_mappings: { kind: "editing_mappings" },
  mappings_edited: { kind: "mappings_edited", changes: [] },
  mappings_already_right: { kind: "mappings_already_right" },
  no_one_to_assign: { kind: "no_one_to_assign" },
  assigning: { kind: "assigning" },
  assigned: { kind: "assigned", created: 2, reused: 1 },
  starting: { kind: "starting" },
  started: { kind: "started" },
  already_running: { kind: "already_running" },
  checking_user_arrives: { kind: "checking_user_arrives" },
  proof_turned_off: { kind: "proof_turned_off" },
  provisioning_on_demand: { kind: "provisioning_on_demand", upn: "jane@contoso.com" },
  provisioning_group_on_demand: { kind: "provisioning_group_on_demand", name: "Engineering", members: 3 },
  group_proof: {
    kind: "group_proof",
    proof: { group: "Engineering", member_upn: "jane@contoso.com", member_username: "jane", finding: { kind: "arrived" } },
  },
  waiting_for_first_cycle: { kind: "waiting_for_first_cycle" },
  user_seen_cycle_running: { kind: "user_seen_cycle_running" },
  waiting_for_user: { kind: "waiting_for_user" },
  proof: { kind: "proof", finding: seen },
  rolling_back: { kind: "rolling_back" },
  undoing: { kind: "undoing", item: { kind: "delete_job" } },
  rolled_back: { kind: "rolled_back", removed: 3 },
  rotating_token: { kind: "rotating_token" },
  new_token_given_to_entra: { kind: "new_token_given_to_entra" },
  token_rotated: { kind: "token_rotated", old_deleted: null },
  failed: { kind: "failed", error },
};

const FINDINGS: ProofFinding[] = [
  seen,
  { ...seen, cycle_finished: true, channel: "iam_users_api" },
  { kind: "still_there", upn: "jane@contoso.com", username: "jane", channel: "iam_users_api" },
  { kind: "no_user_to_check" },
];
const GROUP_FINDINGS: GroupFinding[] = [
  { kind: "arrived" },
  { kind: "group_missing" },
  { kind: "member_missing" },
  { kind: "no_user_members" },
  { kind: "on_demand_failed", message: "The group has too many members." },
];
const groupProof = (finding: GroupFinding) => ({
  group: "Engineering",
  member_upn: "jane@contoso.com",
  member_username: "jane",
  finding,
});

const UNDO: { [K in RollbackWhat["kind"]]: Extract<RollbackWhat, { kind: K }> } = {
  unassign: { kind: "unassign", principal_type: "Group", name: "Sales" },
  restore_mappings: { kind: "restore_mappings" },
  delete_job: { kind: "delete_job" },
  delete_app: { kind: "delete_app", name: "Scaleway SCIM (1)" },
  delete_token: { kind: "delete_token" },
  delete_rotation_token: { kind: "delete_rotation_token" },
  disable_scim: { kind: "disable_scim" },
};
const KEPT: { [K in RollbackKept["kind"]]: Extract<RollbackKept, { kind: K }> } = {
  provisioned_users: { kind: "provisioned_users" },
  assigned_before: { kind: "assigned_before", name: "Sales" },
  job_existed_before: { kind: "job_existed_before" },
  app_existed_before: { kind: "app_existed_before", name: "Scaleway SCIM (1)" },
  saved_credentials_stay: { kind: "saved_credentials_stay" },
  pasted_token: { kind: "pasted_token" },
  scim_enabled_before: { kind: "scim_enabled_before" },
  credentials_kept: { kind: "credentials_kept" },
  credentials_forgotten: { kind: "credentials_forgotten" },
};
const FIXES: PreflightFix[] = [
  { kind: "ask_for_role" },
  { kind: "grant_consent_yourself", missing: ["Synchronization.ReadWrite.All"] },
  { kind: "ask_for_consent", missing: ["Synchronization.ReadWrite.All"] },
];
const CONDITIONS: JobCondition[] = ["quarantined", "steady_state", "running", "paused", "first_cycle_running", "not_started"];
const CAUSES: QuarantineCause[] = [
  "scaleway_refuses",
  "too_many_deletes",
  "too_many_failures",
  "on_request",
  "directory_read_interrupted",
  "other",
];

// One of each kind Rust sends, as a complete record: a new kind does not compile without one.
const ATTENTION: { [K in Attention["kind"]]: Extract<Attention, { kind: K }> } = {
  token_refused: { kind: "token_refused" },
  token_expired: { kind: "token_expired" },
  token_expires_soon: { kind: "token_expires_soon", days: 19 },
  scim_disabled: { kind: "scim_disabled" },
  app_missing: { kind: "app_missing" },
  quarantined: { kind: "quarantined", cause: "scaleway_refuses" },
  last_cycle_failed: { kind: "last_cycle_failed" },
};

const FAILURES: FailureCause[] = ["token_refused", "already_exists", "value_refused", "scaleway_unavailable", "not_supported", "other"];

function job(condition: JobCondition, cause?: QuarantineCause) {
  return {
    job_id: "scim.1",
    status_code: "Active",
    schedule_state: "Active",
    healthy: true,
    steady_state_reached: false,
    last_cycle: null,
    quarantine: cause ? { reason: null, cause, service_message: null, next_attempt: null } : null,
    condition,
    users_in_sync: null,
    groups_in_sync: null,
  };
}

/** Every sentence, in one language. */
function everything(t: Translate): string[] {
  return [
    ...Object.values(PROGRESS).map((m) => progressSentence(m, t)),
    ...FINDINGS.map((f) => proofSentence(f, t)),
    ...GROUP_FINDINGS.map((f) => groupProofSentence(groupProof(f), t)),
    ...Object.values(UNDO).map((u) => undoSentence(u, t)),
    ...Object.values(KEPT).map((k) => keptSentence(k, t)),
    ...FIXES.map((f) => fixSentence(f, t)),
    ...CONDITIONS.map((c) => jobSentence(job(c), t)),
    ...CAUSES.map((c) => jobSentence(job("quarantined", c), t)),
    ...Object.values(ATTENTION).map((a) => attentionSentence(a, t)),
    ...FAILURES.map((cause) => failureSentence(cause, t)),
    ...(["list_tokens", "enable_scim", "create_token", "delete_token", "disable_scim"] as const).map((action) =>
      needsKeySentence({ action, id: null, message: "" }, t),
    ),
  ];
}

const t = (locale: Locale): Translate => (key, params) => translate(locale, key, params);

describe("what Rust says, in the admin's language", () => {
  it("has a sentence for every kind, in English and in French, that differ", () => {
    const english = everything(t("en"));
    const french = everything(t("fr"));
    expect(english).toHaveLength(french.length);
    english.forEach((sentence, i) => {
      expect(sentence.trim(), `English #${i}`).not.toBe("");
      expect(sentence, `English #${i}`).not.toMatch(/said\.|error\.message|\{[a-z]+\}/);
      expect(french[i]?.trim(), `French #${i}`).not.toBe("");
      expect(french[i], `French #${i}`).not.toMatch(/said\.|error\.message|\{[a-z]+\}/);
      expect(french[i], `French #${i} is still English: ${sentence}`).not.toBe(sentence);
    });
  });

  it("keeps the parameters Rust sent", () => {
    expect(attentionSentence(ATTENTION.token_expires_soon, t("fr"))).toContain("19 jour(s)");
    expect(progressSentence(PROGRESS.app_created, t("fr"))).toContain("Scaleway SCIM (1)");
    expect(proofSentence(seen, t("en"))).toContain("jane@contoso.com");
    expect(proofSentence(seen, t("en"))).toContain("“jane” (checked through SCIM with your token).");
    expect(progressSentence(PROGRESS.assigned, t("en"))).toBe("Assigned 2; 1 were already assigned.");
    expect(progressSentence(PROGRESS.group_proof, t("fr"))).toBe(
      "Le groupe «\u00a0Engineering\u00a0» est dans Scaleway, avec «\u00a0jane\u00a0» dedans.",
    );
    expect(groupProofSentence(groupProof(GROUP_FINDINGS[4] as GroupFinding), t("en"))).toBe(
      "Entra could not provision the group “Engineering”: The group has too many members.",
    );
  });
});
