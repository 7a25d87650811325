// What the screens after step 1 learned, kept by the App while the admin moves back and forth.
// Nothing secret: ids, names and results only.

import type {
  AppOutcome,
  AssignmentOutcome_Serialize as AssignmentOutcome,
  ConnectionTest,
  EntraAccount_Serialize as EntraAccount,
  MappingChoices,
  MappingPreview,
  ProofReport_Serialize as ProofReport,
} from "./bindings";

export type SetupData = {
  readonly account: EntraAccount | null;
  readonly app: AppOutcome | null;
  readonly connection: ConnectionTest | null;
  readonly choices: MappingChoices;
  /** The mappings as saved (null until "Apply these changes" succeeded). */
  readonly mappings: MappingPreview | null;
  readonly assigned: readonly AssignmentOutcome[];
  /** Set by "Assign and start provisioning": the Verify screen starts on arrival. */
  readonly startOnArrival: boolean;
  readonly proof: ProofReport | null;
};

/**
 * Scaleway's guide: groups on when the Organization's SCIM service takes them (`null`: Rust
 * decides from what the service says), userName from the part of the UPN before the @, no compat flag.
 */
export const GUIDE_CHOICES: MappingChoices = {
  provision_groups: null,
  keep_full_upn: false,
  scim_compat_flag: false,
};

export function emptySetupData(): SetupData {
  return {
    account: null,
    app: null,
    connection: null,
    choices: GUIDE_CHOICES,
    mappings: null,
    assigned: [],
    startOnArrival: false,
    proof: null,
  };
}
