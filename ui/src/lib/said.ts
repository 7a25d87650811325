// What Rust says as typed values (progress, proof, job health, rollback, preflight fixes), put
// into the admin's language. Each table is a complete record over the kinds Rust sends: a new
// kind does not compile until it has its words here, and `said.test.ts` checks that every key
// has an English and a French sentence.

import type {
  Attention,
  FailureCause,
  GroupFinding,
  GroupProof_Serialize as GroupProof,
  JobCondition,
  JobHealth_Serialize as JobHealth,
  KeyAction,
  NeedsScalewayKey_Serialize as NeedsScalewayKey,
  PreflightFix,
  ProofChannel,
  ProgressMessage_Serialize as ProgressMessage,
  ProofFinding,
  QuarantineCause,
  RollbackKept,
  RollbackWhat,
  TokenKept,
  UiError,
} from "./bindings";
import type { MessageKey, Translate } from "./i18n";

type Kind<T extends { kind: string }, K extends T["kind"]> = Extract<T, { kind: K }>;
type Table<T extends { kind: string }> = { [K in T["kind"]]: (value: Kind<T, K>, t: Translate) => string };

const TOKEN_KEPT: Readonly<Record<TokenKept, MessageKey>> = {
  keychain: "said.tokenKept.keychain",
  memory_keychain_refused: "said.tokenKept.memoryKeychainRefused",
  memory_as_chosen: "said.tokenKept.memoryAsChosen",
};

/** A parameterless sentence. */
const fixed =
  (key: MessageKey) =>
  (_value: unknown, t: Translate): string =>
    t(key);
/** An error's own sentence, in the admin's language (its code says which). */
const errorSentence = (error: UiError, t: Translate): string => t(`error.message.${error.code}` as MessageKey);

/** Said after the username: how the user was checked, when not the usual way. */
const how = (channel: ProofChannel, t: Translate): string => (channel === "scim" ? t("said.proof.throughScim") : "");

const PROOF: Table<ProofFinding> = {
  seen: (v, t) =>
    t(v.cycle_finished ? "said.proof.seen" : "said.proof.seenCycleRunning", {
      upn: v.upn,
      username: v.username,
      how: how(v.channel, t),
    }),
  still_there: (v, t) => t("said.proof.stillThere", { upn: v.upn, username: v.username, how: how(v.channel, t) }),
  no_user_to_check: fixed("said.proof.noUserToCheck"),
};

/** What the proof found for a group (said with the group, its member and Entra's words). */
const GROUP: Readonly<Record<GroupFinding["kind"], MessageKey>> = {
  arrived: "said.group.arrived",
  group_missing: "said.group.groupMissing",
  member_missing: "said.group.memberMissing",
  no_user_members: "said.group.noUserMembers",
  on_demand_failed: "said.group.onDemandFailed",
};

const UNDO: Table<RollbackWhat> = {
  unassign: (v, t) =>
    t(v.principal_type.toLowerCase() === "group" ? "said.undo.unassignGroup" : "said.undo.unassignUser", { name: v.name }),
  restore_mappings: fixed("said.undo.restoreMappings"),
  delete_job: fixed("said.undo.deleteJob"),
  delete_app: (v, t) => t("said.undo.deleteApp", { name: v.name }),
  delete_token: fixed("said.undo.deleteToken"),
  delete_rotation_token: fixed("said.undo.deleteRotationToken"),
  disable_scim: fixed("said.undo.disableScim"),
};

const KEPT: Table<RollbackKept> = {
  provisioned_users: fixed("said.kept.provisionedUsers"),
  assigned_before: (v, t) => t("said.kept.assignedBefore", { name: v.name }),
  job_existed_before: fixed("said.kept.jobExistedBefore"),
  app_existed_before: (v, t) => t("said.kept.appExistedBefore", { name: v.name }),
  saved_credentials_stay: fixed("said.kept.savedCredentialsStay"),
  pasted_token: fixed("said.kept.pastedToken"),
  scim_enabled_before: fixed("said.kept.scimEnabledBefore"),
  credentials_kept: fixed("said.kept.credentialsKept"),
  credentials_forgotten: fixed("said.kept.credentialsForgotten"),
};

const FIX: Table<PreflightFix> = {
  ask_for_role: fixed("said.fix.askForRole"),
  grant_consent_yourself: (v, t) => t("said.fix.grantConsentYourself", { missing: v.missing.join(", ") }),
  ask_for_consent: (v, t) => t("said.fix.askForConsent", { missing: v.missing.join(", ") }),
};

const PROGRESS: Table<ProgressMessage> = {
  checking_permissions: fixed("said.progress.checkingPermissions"),
  permissions_ok: (v, t) =>
    v.role
      ? t("said.progress.permissionsOkRole", { who: v.account ?? t("said.you"), role: v.role })
      : t("said.progress.permissionsOk", { who: v.account ?? t("said.you") }),
  checking_scim: fixed("said.progress.checkingScim"),
  checking_given_token: fixed("said.progress.checkingGivenToken"),
  scim_enabled_now: fixed("said.progress.scimEnabledNow"),
  scim_already_enabled: fixed("said.progress.scimAlreadyEnabled"),
  given_token_works: fixed("said.progress.givenTokenWorks"),
  creating_token: fixed("said.progress.creatingToken"),
  token_created: (v, t) => t("said.progress.tokenCreated", { kept: t(TOKEN_KEPT[v.kept]) }),
  token_reused: (v, t) => t("said.progress.tokenReused", { kept: t(TOKEN_KEPT[v.kept]) }),
  using_given_token: (v, t) =>
    t(v.kept === "keychain" ? "said.progress.usingGivenTokenKeychain" : "said.progress.usingGivenTokenMemory"),
  creating_app: (v, t) => t("said.progress.creatingApp", { name: v.name }),
  app_created: (v, t) => t("said.progress.appCreated", { name: v.name }),
  app_reused: (v, t) => t("said.progress.appReused", { name: v.name }),
  app_gone_creating_again: fixed("said.progress.appGoneCreatingAgain"),
  app_found_by_name: (v, t) => t("said.progress.appFoundByName", { name: v.name }),
  app_creation_unconfirmed: fixed("said.progress.appCreationUnconfirmed"),
  creating_job: fixed("said.progress.creatingJob"),
  job_created: fixed("said.progress.jobCreated"),
  job_exists: fixed("said.progress.jobExists"),
  job_gone_creating_again: fixed("said.progress.jobGoneCreatingAgain"),
  testing_connection: fixed("said.progress.testingConnection"),
  connection_tested_saving: fixed("said.progress.connectionTestedSaving"),
  connection_saved: fixed("said.progress.connectionSaved"),
  connection_saved_earlier: fixed("said.progress.connectionSavedEarlier"),
  connection_refused: (v, t) => errorSentence(v.error, t),
  reading_mappings: fixed("said.progress.readingMappings"),
  editing_mappings: fixed("said.progress.editingMappings"),
  mappings_edited: (v, t) => t("said.progress.mappingsEdited", { count: v.changes.length }),
  mappings_already_right: fixed("said.progress.mappingsAlreadyRight"),
  no_one_to_assign: fixed("said.progress.noOneToAssign"),
  assigning: fixed("said.progress.assigning"),
  assigned: (v, t) =>
    v.created === 0
      ? t("said.progress.assignedNone", { reused: v.reused })
      : v.reused === 0
        ? t("said.progress.assignedAll", { created: v.created })
        : t("said.progress.assignedSome", { created: v.created, reused: v.reused }),
  starting: fixed("said.progress.starting"),
  started: fixed("said.progress.started"),
  already_running: fixed("said.progress.alreadyRunning"),
  checking_user_arrives: fixed("said.progress.checkingUserArrives"),
  proof_turned_off: fixed("said.progress.proofTurnedOff"),
  provisioning_on_demand: (v, t) => t("said.progress.provisioningOnDemand", { upn: v.upn }),
  waiting_for_first_cycle: fixed("said.progress.waitingForFirstCycle"),
  user_seen_cycle_running: fixed("said.progress.userSeenCycleRunning"),
  waiting_for_user: fixed("said.progress.waitingForUser"),
  proof: (v, t) => proofSentence(v.finding, t),
  provisioning_group_on_demand: (v, t) =>
    t("said.progress.provisioningGroupOnDemand", { name: v.name, members: v.members }),
  group_proof: (v, t) => groupProofSentence(v.proof, t),
  rolling_back: fixed("said.progress.rollingBack"),
  undoing: (v, t) => undoSentence(v.item, t),
  rolled_back: (v, t) => t("said.progress.rolledBack", { removed: v.removed }),
  rotating_token: fixed("said.progress.rotatingToken"),
  new_token_given_to_entra: fixed("said.progress.newTokenGivenToEntra"),
  token_rotated: (v, t) =>
    v.old_deleted
      ? t("said.progress.tokenRotated", { old: v.old_deleted })
      : t("said.progress.tokenRotatedOldKept"),
  failed: (v, t) => errorSentence(v.error, t),
};

const CONDITION: Readonly<Record<JobCondition, MessageKey>> = {
  quarantined: "said.job.quarantined",
  steady_state: "said.job.steadyState",
  running: "said.job.running",
  paused: "said.job.paused",
  first_cycle_running: "said.job.firstCycleRunning",
  not_started: "said.job.notStarted",
};

const CAUSE: Readonly<Record<QuarantineCause, MessageKey>> = {
  scaleway_refuses: "said.quarantine.scalewayRefuses",
  too_many_deletes: "said.quarantine.tooManyDeletes",
  too_many_failures: "said.quarantine.tooManyFailures",
  on_request: "said.quarantine.onRequest",
  directory_read_interrupted: "said.quarantine.directoryReadInterrupted",
  other: "said.quarantine.other",
};

const NEEDS_KEY: Readonly<Record<KeyAction, MessageKey>> = {
  list_tokens: "said.needsKey.listTokens",
  enable_scim: "said.needsKey.enableScim",
  create_token: "said.needsKey.createToken",
  delete_token: "said.needsKey.deleteToken",
  disable_scim: "said.needsKey.disableScim",
};

/** What needs the admin on a finished setup (the home screen leads with the first). */
const ATTENTION: Table<Attention> = {
  token_refused: fixed("said.attention.tokenRefused"),
  token_expired: fixed("said.attention.tokenExpired"),
  token_expires_soon: (v, t) => t("said.attention.tokenExpiresSoon", { days: v.days ?? 0 }),
  scim_disabled: fixed("said.attention.scimDisabled"),
  app_missing: fixed("said.attention.appMissing"),
  quarantined: (v, t) => t(CAUSE[v.cause]),
  last_cycle_failed: fixed("said.attention.lastCycleFailed"),
};

/** Why Entra failed to provision someone, with what to do. */
const FAILURE: Readonly<Record<FailureCause, MessageKey>> = {
  token_refused: "said.failure.tokenRefused",
  already_exists: "said.failure.alreadyExists",
  value_refused: "said.failure.valueRefused",
  scaleway_unavailable: "said.failure.scalewayUnavailable",
  not_supported: "said.failure.notSupported",
  other: "said.failure.other",
};

function pick<T extends { kind: string }>(table: Table<T>, value: T, t: Translate): string {
  const say = table[value.kind as T["kind"]] as (value: T, t: Translate) => string;
  return say(value, t);
}

export function progressSentence(message: ProgressMessage, t: Translate): string {
  return pick(PROGRESS, message, t);
}

export function proofSentence(finding: ProofFinding, t: Translate): string {
  return pick(PROOF, finding, t);
}

/** The group proof in one sentence: the group and its member by name, Entra's words when it refused. */
export function groupProofSentence(proof: GroupProof, t: Translate): string {
  return t(GROUP[proof.finding.kind], {
    group: proof.group,
    member: proof.member_username ?? proof.member_upn ?? "",
    message: proof.finding.kind === "on_demand_failed" ? proof.finding.message : "",
  });
}

export function undoSentence(item: RollbackWhat, t: Translate): string {
  return pick(UNDO, item, t);
}

export function keptSentence(kept: RollbackKept, t: Translate): string {
  return pick(KEPT, kept, t);
}

export function fixSentence(fix: PreflightFix, t: Translate): string {
  return pick(FIX, fix, t);
}

/** The job's state in one sentence; a quarantine is explained by its cause. */
export function jobSentence(job: JobHealth, t: Translate): string {
  return job.quarantine ? t(CAUSE[job.quarantine.cause]) : t(CONDITION[job.condition]);
}

/** What stays in Scaleway for lack of an API key, and where to do it by hand. */
export function needsKeySentence(need: NeedsScalewayKey, t: Translate): string {
  return t(NEEDS_KEY[need.action]);
}

export function failureSentence(cause: FailureCause, t: Translate): string {
  return t(FAILURE[cause]);
}

export function attentionSentence(attention: Attention, t: Translate): string {
  return pick(ATTENTION, attention, t);
}

/** Every key this module can use, for the catalogue test. */
export const SAID_KEYS: readonly MessageKey[] = [
  ...Object.values(TOKEN_KEPT),
  ...Object.values(CONDITION),
  ...Object.values(CAUSE),
  ...Object.values(NEEDS_KEY),
  ...Object.values(GROUP),
  ...Object.values(FAILURE),
];
