// English strings. The reference catalogue: every other language must have exactly these keys.
// Placeholders are written {name} and must appear unchanged in every translation.

export const en = {
  "app.name": "Scaleway SCIM Wizard",

  "language.label": "Language",

  "welcome.title": "Scaleway SCIM Wizard",
  "welcome.lede":
    "This app connects the automatic user provisioning of Microsoft Entra ID to your Scaleway Organization. Once it is set up, the people you add in Entra appear in Scaleway on their own.",
  "welcome.stepsHeading": "The four steps",
  "welcome.step1":
    "Turn on automatic user provisioning (SCIM) in Scaleway and create its secret token — kept in your computer’s keychain.",
  "welcome.step2": "Create an app for Scaleway in Microsoft Entra ID.",
  "welcome.step3":
    "Connect the two: give Entra the Scaleway address and token, and test the connection.",
  "welcome.step4":
    "Adjust which user details are sent, then check that a user really arrives in Scaleway.",
  "welcome.needsHeading": "Before you start, have at hand:",
  "welcome.needsScaleway": "a Scaleway API key allowed to manage IAM in your Organization;",
  "welcome.needsEntra":
    "a Microsoft account with the Application Administrator or Cloud Application Administrator role in Entra ID.",
  "welcome.actionsLabel": "How do you want to start?",
  "welcome.connect": "Connect my accounts",
  "welcome.practice": "Practice in the sandbox (no accounts needed)",
  "welcome.practiceNote":
    "The sandbox imitates Scaleway and Entra on this computer, so you can try every step without changing anything real.",

  "mode.sandbox": "Practice sandbox",
  "mode.sandboxNote": "Nothing real is changed.",

  "progress.label": "Setup progress",
  "progress.count": "Step {n} of {total}",
  "progress.step1": "Scaleway",
  "progress.step2": "Entra ID",
  "progress.step3": "Connection",
  "progress.step4": "Users and check",
  "progress.completed": "done",

  "screen.scaleway.title": "Turn on provisioning in Scaleway",
  "screen.scaleway.description":
    "Here you will give the app a Scaleway API key; it turns on automatic user provisioning (SCIM) for your Organization and keeps its secret token in your computer’s keychain.",
  "screen.entra.title": "Create the app in Microsoft Entra ID",
  "screen.entra.description":
    "Here you will sign in to Microsoft in your browser, and the app creates an application for Scaleway in your Entra ID.",
  "screen.connection.title": "Connect Entra to Scaleway",
  "screen.connection.description":
    "Here the app gives Entra the Scaleway address and token, and tests the connection before anything is saved.",
  "screen.mappings.title": "Choose which user details are sent",
  "screen.mappings.description":
    "Here you will see which user details Entra sends to Scaleway, and approve the changes Scaleway recommends before they are applied.",
  "screen.users.title": "Choose who gets access",
  "screen.users.description":
    "Here you will pick the people or groups from Entra who should appear in Scaleway.",
  "screen.verify.title": "Check that it works",
  "screen.verify.description":
    "Here the app sends one user to Scaleway right away and confirms that this person really appears in your Organization.",
  "screen.done.title": "All set",
  "screen.done.description":
    "Here you will find a summary of what was set up, and how to undo it if you ever need to.",
  "screen.later": "This step arrives in a later version of the app.",

  "nav.back": "Back",
  "nav.startOver": "Start over",

  "error.title": "Something went wrong",
  "error.retry": "Try again",
  "error.dismiss": "Dismiss",
  "error.fallback.generic": "The operation could not be completed.",
  "error.fallback.internal": "Something unexpected happened inside the app.",
  "error.fallback.invalid_input": "Some of the information entered isn’t valid. Check it, then try again.",
  "error.fallback.keychain_unavailable":
    "Your computer’s keychain can’t be reached, so the secret token can’t be stored safely.",
  "error.fallback.keychain_locked":
    "Your computer’s keychain is locked, or access to it was refused. Unlock it, then try again.",
  "error.fallback.keychain_failed":
    "Your computer’s keychain reported an error while reading or saving the secret token.",
  "error.fallback.sandbox_unavailable": "The practice sandbox could not start.",

  "footer.version": "Version {version}",
} as const satisfies Record<string, string>;

export type MessageKey = keyof typeof en;

/** The shape every translation must have: exactly the English keys, each a string. */
export type Messages = { readonly [K in MessageKey]: string };
