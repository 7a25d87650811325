// The one action the home screen offers beside what needs the admin most.

import type { Attention } from "./bindings";

/** "renew": a new token fixes it; "check_again": send someone now and look; null: words only. */
export type HomeFix = "renew" | "check_again";

/**
 * A token refused, expired or near its end is fixed by renewing it; so is a quarantine because
 * Scaleway refused Entra's requests (the usual cause: the token). A failed cycle is checked
 * again. SCIM turned off or the app gone need a new setup: the sentence says so.
 */
export function fixFor(attention: Attention): HomeFix | null {
  switch (attention.kind) {
    case "token_refused":
    case "token_expired":
    case "token_expires_soon":
      return "renew";
    case "quarantined":
      return attention.cause === "scaleway_refuses" ? "renew" : "check_again";
    case "last_cycle_failed":
      return "check_again";
    case "scim_disabled":
    case "app_missing":
      return null;
  }
}
