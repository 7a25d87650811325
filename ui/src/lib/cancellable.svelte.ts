// One long call that the admin can stop. Rust stops the running operation on `cancel_operation`
// and the call then fails with `cancelled`: after a Cancel that is an outcome, not an error.

import { settle, type Result } from "./api";
import { commands, type UiError } from "./bindings";

type Outcome<T> = Result<T> | { status: "cancelled" };

export class Cancellable {
  running = $state(false);
  cancelling = $state(false);
  /** The last run ended because the admin stopped it. */
  cancelled = $state(false);

  async run<T>(call: () => Promise<Result<T>>): Promise<Outcome<T>> {
    this.running = true;
    this.cancelling = false;
    this.cancelled = false;
    const result = await settle(call());
    const stopped = this.cancelling && result.status === "error" && isCancelled(result.error);
    this.running = false;
    this.cancelling = false;
    this.cancelled = stopped;
    return stopped ? { status: "cancelled" } : result;
  }

  cancel(): void {
    if (!this.running || this.cancelling) return;
    this.cancelling = true;
    // Fire and forget: the running call reports how it ended.
    void commands.cancelOperation().catch(() => {});
  }
}

function isCancelled(error: UiError): boolean {
  return error.code === "cancelled";
}
