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
    "The app checks your Scaleway API key, turns on automatic user provisioning (SCIM) for your Organization and creates its secret token, kept in your computer’s keychain.",
  "screen.entra.title": "Create the app in Microsoft Entra ID",
  "screen.entra.description":
    "Sign in to Microsoft; the app checks your account, then creates an application for Scaleway in your Entra ID.",
  "screen.connection.title": "Connect Entra to Scaleway",
  "screen.connection.description":
    "The app gives Entra the Scaleway address and token, and tests the connection before anything is saved.",
  "screen.mappings.title": "Choose which user details are sent",
  "screen.mappings.description":
    "Check which user details Entra sends to Scaleway, and approve the changes Scaleway recommends before they are applied.",
  "screen.users.title": "Choose who gets access",
  "screen.users.description":
    "Pick the people or groups from Entra who should appear in Scaleway.",
  "screen.verify.title": "Check that it works",
  "screen.verify.description":
    "The app sends one user to Scaleway right away and confirms that this person really appears in your Organization.",
  "screen.done.title": "All set",
  "screen.done.description":
    "What was set up, where to find it, and how to undo it if you ever need to.",

  "start.practiceBusy": "Starting the practice sandbox…",
  "start.realBusy": "Getting ready…",

  "header.settings": "Settings",

  "settings.title": "Settings",
  "error.discardToken":
    "Go on without this token",
  "settings.clearDelay.label": "Clear copied values from the clipboard after",
  "settings.clearDelay.unit": "seconds",
  "settings.clearDelay.help": "From {min} to {max} seconds. The default is {default}.",
  "settings.clearDelay.invalid": "Enter a whole number of seconds from {min} to {max}.",
  "settings.language.help": "The app remembers your choice.",
  "settings.connection.toggle": "Advanced: connection",
  "settings.connection.intro":
    "Where the app signs in to Microsoft and reaches Scaleway. Leave these empty unless your IT team asks you to change them: the defaults work for most organizations.",
  "settings.connection.practice":
    "Practice mode ignores these settings: it always uses the simulator built into the app.",
  "settings.connection.practiceNow":
    "You are practising now. These settings apply when you connect your real accounts.",
  "settings.connection.loading": "Loading the connection settings…",
  "settings.connection.cloud.label": "Microsoft cloud",
  "settings.connection.cloud.global": "Global",
  "settings.connection.cloud.usgov": "US Government",
  "settings.connection.cloud.china": "China (21Vianet)",
  "settings.connection.cloud.help":
    "Choose US Government or China only if your organization’s Microsoft 365 runs in that cloud.",
  "settings.connection.clientId.label": "Application (client) ID",
  "settings.connection.clientId.help":
    "Leave empty to use Microsoft Graph Command Line Tools. To use your own app registration, enter its ID: a multi-tenant public client with the redirect http://localhost.",
  "settings.connection.tenant.label": "Tenant",
  "settings.connection.tenant.placeholder": "The tenant of the account you sign in with",
  "settings.connection.tenant.help":
    "A tenant ID or one of its domains (for example contoso.onmicrosoft.com). Leave empty to use the tenant of the account you sign in with.",
  "settings.connection.loginUrl.label": "Microsoft sign-in address",
  "settings.connection.graphUrl.label": "Microsoft Graph address",
  "settings.connection.microsoftUrl.help": "Leave empty to use the chosen cloud’s own address, shown in grey.",
  "settings.connection.scalewayUrl.label": "Scaleway API address",
  "settings.connection.scalewayUrl.help": "Leave empty to use Scaleway’s own address, shown in grey.",
  "settings.connection.scimBaseUrl.label": "SCIM Base URL pattern",
  "settings.connection.scimBaseUrl.placeholder": "Found by the app",
  "settings.connection.scimBaseUrl.help":
    "Leave empty and the app finds your Base URL by itself. Otherwise a full https:// address, which may contain {scim_id} and {organization_id}.",
  "settings.connection.unfamiliarHost":
    "{host} is not a Microsoft address: your sign-in and tokens go there. Use it only if your IT department gave it to you.",
  "settings.connection.locked": "Set by {variable}: change that variable to change this.",
  "settings.connection.save": "Save connection settings",
  "settings.connection.saving": "Saving…",
  "settings.connection.reset": "Reset to defaults",
  "settings.connection.saved": "Saved. The app uses these settings from your next connection.",
  "settings.connection.savedReconnect":
    "Saved. Your accounts were disconnected because these settings changed: go back to the Scaleway step and connect again.",
  "settings.connection.unsaved": "Your changes are not saved yet.",
  "settings.connection.invalid": "Some values can’t be used: correct the marked fields. Nothing was saved.",
  "settings.connection.invalid.cloud": "Choose one of the clouds in the list.",
  "settings.connection.invalid.clientId":
    "Enter an Application (client) ID, a GUID such as 14d82eec-204b-4c2f-b7e8-296a70dab67e, or leave it empty.",
  "settings.connection.invalid.tenant":
    "Enter a tenant ID (a GUID) or a domain such as contoso.onmicrosoft.com, or leave it empty.",
  "settings.connection.invalid.url":
    "Enter a full address starting with https:// (http:// only for this computer), or leave it empty.",
  "settings.connection.invalid.scimBaseUrl":
    "Enter a full https:// address, which may contain {scim_id} and {organization_id}, or leave it empty.",
  "settings.connection.file": "Kept in {path}. No secret is ever stored there.",
  "settings.close": "Close",

  "quit.title":
    "Quit and lose the SCIM token?",
  "quit.text":
    "The SCIM token is kept only in this app’s memory: it is not in your keychain, and Scaleway never shows a token twice. If you quit now, it is gone, and a new one would have to be created.",
  "quit.copyHelp":
    "To keep it, copy it and paste it somewhere safe, such as your password manager, before you quit: the app empties the clipboard when it closes.",
  "quit.stay":
    "Stay in the app",
  "quit.anyway":
    "Quit and lose the token",
  "settings.forget.title":
    "Saved sign-ins and keys",
  "settings.forget.help":
    "Your Scaleway key and Microsoft sign-in are kept in your system keychain only as long as you chose. The SCIM token stays: Entra uses it to provision users.",
  "settings.forget.button":
    "Forget saved sign-ins and keys",
  "settings.forget.working":
    "Forgetting…",
  "settings.forget.none":
    "Nothing to forget: no Scaleway key or Microsoft sign-in is kept on this computer.",
  "settings.forget.done":
    "Forgotten from your system keychain:",
  "settings.forget.key":
    "the Scaleway key for Organization {id}",
  "settings.forget.signIn":
    "the Microsoft sign-in for tenant {id}",
  "common.show": "Show",
  "common.hide": "Hide",
  "common.optional": "optional",
  "common.cancel": "Cancel",
  "common.cancelling": "Stopping…",
  "common.stopped": "Stopped. Nothing is lost: try again when you are ready, the app picks up where it stopped.",
  "common.urlPlaceholder": "https://…",
  "common.unknownDate": "date unknown",

  "scaleway.credentials.title": "How do you want to give your Scaleway key?",
  "scaleway.method.typed": "Type my API key",
  "scaleway.method.typedNote": "Paste the secret key of an API key that can manage IAM.",
  "scaleway.method.imported": "Use my Scaleway CLI settings",
  "scaleway.method.importedNote": "If the Scaleway command-line tool (scw) is set up on this computer.",
  "scaleway.method.existing": "I already have a token and Base URL",
  "scaleway.method.existingNote": "You created the SCIM token in the Scaleway console yourself.",
  "scaleway.secretKey.label": "Secret key",
  "scaleway.secretKey.help":
    "In the Scaleway console: IAM → API keys. The secret key is shown only once, when the key is created.",
  "scaleway.secretKey.required": "Enter the secret key.",
  "scaleway.secretKey.show": "Show the secret key",
  "scaleway.secretKey.cleared": "For your safety, the app doesn’t keep the secret key: paste it again to retry.",
  "scaleway.orgId.label": "Organization ID",
  "scaleway.orgId.help": "In the Scaleway console: Organization settings, where the Organization ID is shown.",
  "scaleway.orgId.required": "Enter the Organization ID, or use the access key instead.",
  "scaleway.orgId.useAccessKey": "I only have the access key",
  "scaleway.accessKey.label": "Access key",
  "scaleway.accessKey.help":
    "Shown next to the secret key in IAM → API keys; it starts with SCW. The app finds your Organization from it.",
  "scaleway.accessKey.required": "Enter the access key, or use the Organization ID instead.",
  "scaleway.profile.label": "Profile name",
  "scaleway.profile.help":
    "Leave it empty to use your default profile. The app reads ~/.config/scw/config.yaml, or the SCW_* environment variables when they are set.",
  "scaleway.existing.help":
    "The Scaleway console shows both once, when the token is created: Organization security → Automatic user provisioning.",
  "scaleway.existingToken.label": "SCIM token",
  "scaleway.existingToken.required": "Paste the SCIM token.",
  "scaleway.existingToken.show": "Show the SCIM token",
  "scaleway.existingBaseUrl.label": "Base URL",
  "scaleway.existingBaseUrl.required": "Paste the Base URL.",
  "scaleway.existingOrgId.help":
    "Keeps this token apart from other Organizations’ tokens in your keychain.",
  "scaleway.checkKey": "Check my key",
  "scaleway.keep.label":
    "Keep my Scaleway key and Microsoft sign-in after this setup",
  "scaleway.keep.help":
    "By default they stay in your system keychain only until this setup is finished, so it can resume if it is interrupted, then the app forgets them. Keep them if you will come back to renew the token or undo the setup without typing them again. You can forget them any time in Settings.",
  "scaleway.checkingKey": "Checking your key with Scaleway…",
  "scaleway.checkExisting": "Check the token and Base URL",
  "scaleway.checkingExisting": "Checking the token and Base URL…",
  "scaleway.practice.text":
    "In the sandbox, a practice key is ready for you. It opens the demo Organization “{name}”.",
  "scaleway.practice.textNoName": "In the sandbox, a practice key is ready for you.",
  "scaleway.practice.use": "Use the practice key",
  "scaleway.connected.title": "Key checked",
  "scaleway.connected.summary": "Key OK — organization “{name}” — this key can manage SCIM",

  "scaleway.enable.title": "Turn on SCIM for your Organization",
  "scaleway.enable.off": "Automatic user provisioning (SCIM) is off for this Organization.",
  "scaleway.enable.explain":
    "Scaleway will accept user provisioning from an identity provider for this Organization. Nothing changes for existing users until Entra sends them.",
  "scaleway.enable.button": "Turn on SCIM and create the token",
  "scaleway.enable.busy": "Turning on SCIM (1 of 2)…",
  "scaleway.enable.minting": "Creating the token and finding the Base URL (2 of 2)…",

  "scaleway.token.title": "Create the SCIM token",
  "scaleway.token.explain":
    "Entra uses this secret token to send your users to Scaleway. It stays valid for one year. The app keeps it in your computer’s keychain, not on screen.",
  "scaleway.token.oneExists":
    "This Organization already has one SCIM token, perhaps used by another tool. Scaleway allows two, so the app creates a second one; the first keeps working.",
  "scaleway.token.loading": "Reading the SCIM tokens…",
  "scaleway.token.mint": "Create the SCIM token",
  "scaleway.token.minting": "Creating the token and finding the Base URL…",
  "scaleway.token.noKeychain": "Don’t keep it in my keychain (it will only be sent to Entra)",
  "scaleway.token.noKeychainNote":
    "Without the keychain the token lives only while this app is open. If you close it before step 3 is done, you will need a new token.",
  "scaleway.limit.title": "Scaleway already has two SCIM tokens",
  "scaleway.limit.explain":
    "Scaleway allows two SCIM tokens per Organization. To create a new one, one of them must be deleted first.",
  "scaleway.limit.listLabel": "SCIM tokens of this Organization",
  "scaleway.limit.tokenName": "Token {n}",
  "scaleway.limit.created": "Created",
  "scaleway.limit.expires": "Expires",
  "scaleway.limit.ours": "Created by this app",
  "scaleway.limit.older": "Older",
  "scaleway.limit.delete": "Delete the older token…",
  "scaleway.delete.title": "Delete the older SCIM token?",
  "scaleway.delete.which": "This deletes the token created on {date}.",
  "scaleway.delete.warning":
    "Entra may still be using it; provisioning that uses it stops at once. This can’t be undone.",
  "scaleway.delete.confirm": "Delete the token",
  "scaleway.delete.busy": "Deleting…",

  "scaleway.created.new": "Token created — kept in your keychain",
  "scaleway.created.notStored": "Token created — not kept on this computer; it will only be sent to Entra",
  "scaleway.created.heldInMemory": "Token created — held by the app until it closes",
  "scaleway.keychainRefused.title": "Your keychain did not take the token",
  "scaleway.keychainRefused.kept":
    "Nothing is lost: the app holds the token until you close it, and you can go on with the setup. To keep it on this computer, unlock your keychain and try again, or copy the token to your password manager.",
  "scaleway.keychainRefused.tryAgain": "Try the keychain again",
  "scaleway.keychainRefused.trying": "Trying the keychain…",
  "scaleway.created.resumed": "Using the token created earlier — no new token was needed",
  "scaleway.created.manual": "Token and Base URL checked — the token is kept in your keychain",
  "scaleway.expiry": "Valid until {date}",
  "scaleway.expiryUnknown": "Valid for one year",

  "scaleway.baseUrl.title": "Paste the Base URL",
  "scaleway.baseUrl.explain":
    "The app could not find your SCIM Base URL by itself. In the Scaleway console, open Organization security → Automatic user provisioning and copy the Base URL shown there.",
  "scaleway.baseUrl.label": "Paste the Base URL shown in the Scaleway console",
  "scaleway.baseUrl.required": "Paste the Base URL first.",
  "scaleway.baseUrl.check": "Check the Base URL",
  "scaleway.baseUrl.checking": "Checking the Base URL with your token…",

  "scaleway.ready.baseUrl": "Base URL",
  "scaleway.ready.token": "SCIM token",
  "scaleway.ready.explain":
    "You don’t need to paste them anywhere: in step 3 the app gives them to Entra itself. Copy them only if you want to keep a record, and keep the token secret.",
  "scaleway.ready.manualToken": "You already have this token; the app gives it to Entra in step 3.",
  "scaleway.copy.token": "Copy token",
  "scaleway.copy.baseUrl": "Copy Base URL",
  "scaleway.copy.countdown": "Copied — clears in {seconds} s",
  "scaleway.copy.announceToken": "Token copied. The clipboard clears in {seconds} seconds.",
  "scaleway.copy.announceBaseUrl": "Base URL copied. The clipboard clears in {seconds} seconds.",
  "scaleway.copy.cleared": "The clipboard was cleared.",
  "scaleway.reveal.button": "Hold to reveal",
  "scaleway.reveal.help": "The token shows only while you hold the button down (or hold Space).",
  "scaleway.reveal.hidden": "Hidden",

  "scaleway.next": "Next: Entra ID",
  "scaleway.useAnotherKey": "Use another key",

  "common.copy": "Copy",
  "common.copied": "Copied",
  "common.copyFailed": "Couldn’t copy: select the text and press Ctrl+C.",
  "common.working": "Working…",

  "resume.title": "An unfinished setup was found",
  "resume.text": "An unfinished setup for Organization “{name}” was found on this computer.",
  "resume.updated": "Last change: {date}.",
  "resume.app": "Entra app: “{name}”.",
  "resume.continue": "Continue",
  "resume.startOver": "Start over",
  "resume.busy": "Reconnecting with the credentials kept in your keychain…",
  "resume.step1Done": "Step 1 was finished earlier — the token is kept in your keychain",

  "rolledBack.notice": "Everything this setup created was removed. You can start again whenever you like.",
  "rolledBack.partial": "Everything the app could remove was removed, in Entra and in Scaleway.",

  "entra.signIn.title": "Sign in to Microsoft",
  "entra.signIn.explain":
    "Use an account with the Application Administrator or Cloud Application Administrator role. The app checks what your account may do before it changes anything.",
  "entra.signIn.browser": "Sign in with Microsoft",
  "entra.signIn.deviceCode": "Use a code instead",
  "entra.signIn.deviceCodeNote": "If no browser can open on this computer: you type a short code on another device.",
  "entra.advanced": "Advanced",
  "entra.tenant.label": "Tenant",
  "entra.tenant.help":
    "Your tenant ID or one of its domains (for example contoso.onmicrosoft.com). Leave it empty to use the tenant of the account you sign in with.",
  "entra.waiting.title": "Waiting for you to sign in…",
  "entra.waiting.starting": "Preparing the sign-in…",
  "entra.waiting.browser": "Microsoft’s sign-in page opened in your browser. Finish signing in there, then come back here.",
  "entra.waiting.browserLink": "If the page didn’t open, copy this link into your browser:",
  "entra.waiting.copyLink": "Copy link",
  "entra.waiting.device": "On any device, open this address and type the code:",
  "entra.waiting.address": "Address",
  "entra.waiting.code": "Code",
  "entra.waiting.copyAddress": "Copy address",
  "entra.waiting.copyCode": "Copy code",
  "entra.waiting.automatic": "The practice sandbox signs you in automatically.",
  "entra.cancel": "Cancel sign-in",
  "entra.account.title": "Signed in to Microsoft",
  "entra.account.who": "Account",
  "entra.account.tenant": "Tenant",
  "entra.account.role": "Role",
  "entra.account.noRole": "No role that can set up the app",
  "entra.account.ready": "This account can create the app and set up provisioning.",
  "entra.account.notReady": "This account can’t finish the setup yet",
  "entra.missing.roles": "Missing role",
  "entra.missing.permissions": "Missing permissions",
  "entra.fixes": "What to do",
  "entra.consent.label": "Admin consent link, for a Global Administrator to open:",
  "entra.consent.copy": "Copy consent link",
  "entra.signInAgain": "Sign in with another account",
  "entra.app.title": "Create the app in Entra",
  "entra.app.explain":
    "The app creates an enterprise application for Scaleway in your tenant (a “non-gallery” app, as Scaleway’s guide says) and its provisioning job. Nothing is sent to Scaleway yet.",
  "entra.app.name": "App name",
  "entra.app.nameHelp": "Leave it empty to use “{name}”.",
  "entra.app.nameHelpNoDefault": "Leave it empty to use the default name.",
  "entra.app.create": "Create the app in Entra",
  "entra.app.confirmTenant":
    "The app will be created in the tenant {tenant} ({id}), as {account}. Check that it is the right one before you go on: nothing is changed in Entra until you click the button.",
  "entra.app.createHere":
    "Create the app in this tenant",
  "entra.app.creating": "Creating the app and its provisioning job… Entra can take a minute to catch up.",
  "entra.app.created": "App “{name}” created in Entra, with its provisioning job",
  "entra.app.reused": "Using the app “{name}” this setup created earlier",
  "entra.next": "Next: Connection",

  "connection.title": "Test the connection",
  "connection.explain":
    "Entra calls Scaleway with the Base URL and the SCIM token from step 1, the way it will when it provisions users. The credentials are saved in Entra only if this test passes.",
  "connection.tenantUrl": "Tenant URL (the Scaleway Base URL)",
  "connection.test": "Test the connection",
  "connection.testing": "Entra is calling Scaleway…",
  "connection.ok": "Entra reached Scaleway and the token works — the credentials are saved",
  "connection.failed": "Entra could not use the token with Scaleway",
  "connection.failedHint":
    "Nothing was saved in Entra. Go back to step 1 to check the token and the Base URL, then test again.",
  "connection.scalewaySaid": "Scaleway answered:",
  "connection.next": "Next: user details",

  "mappings.title": "The changes Scaleway’s guide asks for",
  "mappings.loading": "Reading the current mappings from Entra…",
  "mappings.listLabel": "Changes to the user details sent to Scaleway",
  "mappings.before": "Now",
  "mappings.after": "After",
  "mappings.what.group_provisioning": "Groups sent to Scaleway",
  "mappings.what.name_formatted": "Full name (name.formatted)",
  "mappings.what.display_name": "Display name (displayName)",
  "mappings.what.user_name": "Username in Scaleway (userName)",
  "mappings.what.group_attributes": "What a group carries to Scaleway",
  "mappings.what.other": "Other change",
  "mappings.already": "The mappings are already as Scaleway’s guide wants: nothing to change.",
  "mappings.groups.label": "Send groups to Scaleway",
  "mappings.groups.note":
    "Scaleway now accepts groups: the people in an assigned group arrive in a Scaleway group of the same name. Its guide turns this on.",
  "mappings.groups.unsupported":
    "This Organization’s SCIM service does not take groups yet: the people in assigned groups still arrive, as users.",
  "mappings.advanced": "Advanced options",
  "mappings.fullUpn.label": "Keep the full sign-in name as the username",
  "mappings.fullUpn.note": "adele.vance@contoso.com instead of adele.vance. Scaleway’s guide keeps only the part before the @.",
  "mappings.compat.label": "Use Entra’s SCIM compatibility flag",
  "mappings.compat.note":
    "Makes Entra follow the SCIM standard more strictly. Sending one user on demand isn’t possible with it, so the final check waits for a regular cycle.",
  "mappings.apply": "Apply these changes",
  "mappings.applying": "Saving the mappings in Entra (the original is kept for a rollback)…",
  "mappings.applied": "User details set as Scaleway’s guide asks — the original mappings are kept for a rollback",
  "mappings.continue": "Next: users",

  "users.title": "Who should appear in Scaleway?",
  "users.explain":
    "Search your Entra directory and tick the people or groups to assign to the app. Only assigned users are sent to Scaleway.",
  "users.search.label": "Search people and groups",
  "users.search.help": "Type part of a name or an email address.",
  "users.searching": "Searching…",
  "users.results.users": "People",
  "users.results.groups": "Groups",
  "users.noResults": "No one matches “{query}”.",
  "users.directoryNote": "The first people and groups in your directory. Search to find someone else.",
  "users.directoryEmpty": "Your directory has no one to offer yet.",
  "users.groupsUnavailable": "Groups can’t be listed with your permissions; people still can.",
  "users.selected": "Selected: {count}",
  "users.selectedNone": "Nobody is selected yet.",
  "users.remove": "Remove {name}",
  "users.group": "Group",
  "impact.title": "What happens in Scaleway",
  "impact.create.title": "Will be created in Scaleway ({count})",
  "impact.create.item": "{upn}, as “{username}”",
  "impact.match.title": "Already in Scaleway: Entra will manage them from now on ({count})",
  "impact.match.item": "“{username}” becomes {upn}.",
  "impact.match.name": "Name: {before} → {after}",
  "impact.match.email": "Email: {before} → {after}",
  "impact.collisions.title": "Would get the same username ({count}): assigning is blocked",
  "impact.collisions.item": "“{username}”: {upns}",
  "impact.collisions.waysOut":
    "Scaleway would give them one account. Keep the domain in every username (jane@contoso.com instead of jane), or untick some of them.",
  "impact.collisions.keepDomain": "Keep the domain in usernames",
  "impact.untouched.title": "In Scaleway, not chosen: left as they are ({count})",
  "impact.untouched.owner": "{username} (the Organization’s Owner)",
  "impact.quota":
    "This Organization has {existing} users and would get {adding} more, past Scaleway’s limit of {limit}: choose fewer people.",
  "users.scope.title": "Before you assign these groups",
  "users.scope.nested":
    "“{group}” has groups inside it ({subgroups}): Scaleway has no groups inside groups, so those will not appear, nor their members unless you choose them too.",
  "users.scope.managed":
    "“{group}” has the name of a group Scaleway manages itself: rename the group in Entra, or leave it out.",
  "users.scope.existing":
    "Scaleway already has a group named “{group}”: Entra would take it over and set its members.",
  "users.scope.quota":
    "This Organization has {existing} groups and would get {adding} more, past Scaleway’s limit of {limit}: assign fewer groups.",
  "users.scope.membersOnly":
    "Groups are not sent to Scaleway in this setup: the people directly in the chosen groups arrive, as users.",
  "users.assign": "Assign and start provisioning",
  "users.assigning": "Assigning…",
  "users.assigned": "Assigned to the app: {names}",

  "verify.title": "Start provisioning and check",
  "verify.explain":
    "The app starts provisioning, sends one assigned user to Scaleway at once, and checks that this person now exists in your Organization.",
  "verify.start": "Start provisioning",
  "verify.again": "Check again",
  "verify.running": "Working… You can cancel at any time: running it again picks up where it stopped.",
  "verify.progressLabel": "Progress",
  "verify.ok": "{user} now exists in Scaleway",
  "verify.okSomeone": "The test user now exists in Scaleway",
  "verify.userId": "Scaleway user ID: {id}",
  "verify.checkedThroughScim": "Checked through SCIM with your token (the app has no Scaleway API key).",
  "verify.notYet": "Provisioning runs, but the test user isn’t in Scaleway yet",
  "verify.job.healthy": "Provisioning job: healthy",
  "verify.job.unhealthy": "Provisioning job: needs attention",
  "verify.quarantine": "Entra paused provisioning (quarantine) after repeated errors.",
  "verify.quarantineNext": "Next attempt: {date}",
  "verify.lastError": "Last cycle’s error:",
  "verify.next": "Next: summary",

  "done.proof": "{user} exists in Scaleway — provisioning from Entra works.",
  "done.loading": "Reading the summary…",
  "done.kept.token":
    "The SCIM token stays in your system keychain (service “{service}”, entry “{account}”): Entra uses it to provision users.",
  "done.kept.forgotten":
    "Your Scaleway key and Microsoft sign-in were forgotten, as you chose.",
  "done.kept.kept":
    "Your Scaleway key and Microsoft sign-in are kept for later changes. Forget them any time in Settings.",
  "done.scaleway": "Scaleway",
  "done.entra": "Microsoft Entra ID",
  "done.org": "Organization",
  "done.scim": "SCIM",
  "done.scimOn": "on",
  "done.byWizard": "by this app",
  "done.token": "SCIM token",
  "done.tokenExpires": "valid until {date}",
  "done.baseUrl": "Base URL",
  "done.tenant": "Tenant",
  "done.app": "Enterprise app",
  "done.appId": "Application (client) ID",
  "done.job": "Provisioning job",
  "done.mappings": "Mappings",
  "done.mappingsApplied": "as the guide asks, since {date}",
  "done.assigned": "Assigned",
  "done.links": "Both consoles",
  "done.linksHelp": "Copy a link and open it in your browser.",
  "done.link.entraApp": "Entra: the enterprise app",
  "done.link.entraProvisioning": "Entra: its provisioning page",
  "done.link.scalewayUsers": "Scaleway: IAM users",
  "done.link.scalewaySecurity": "Scaleway: Organization security (SCIM)",
  "done.export": "Export a report",
  "done.exporting": "Saving the report…",
  "done.exported": "Report saved (no secrets in it): {path}",
  "done.rollback": "Roll back…",
  "done.startOver": "Back to the start",

  "screen.home.title": "Your setup",
  "screen.home.description":
    "Entra sends people to Scaleway on its own. Here you see that it still works, and change it.",
  "home.loading": "Reading both sides…",
  "home.reload": "Read again",
  "home.attention.title": "Needs your attention",
  "home.allWell": "All is well: the token is valid and nothing needs you.",
  "home.scaleway": "Scaleway",
  "home.org": "Organization",
  "home.scim": "SCIM",
  "home.scimOn": "on",
  "home.scimOff": "off",
  "home.token": "SCIM token",
  "home.tokenCreated": "created on {date}",
  "home.tokenExpires": "expires on {date}",
  "home.tokenDaysLeft": "{days} day(s) left",
  "home.tokenExpired": "expired",
  "home.tokenUnknown": "expiry not known",
  "home.tokenWorks": "Scaleway accepts it",
  "home.tokenRefused": "Scaleway refuses it",
  "home.otherToken": "Another token",
  "home.access.key": "Read with your Scaleway API key.",
  "home.access.token": "Read with the SCIM token this computer keeps (no API key needed).",
  "home.entra": "Microsoft Entra ID",
  "home.app": "Enterprise app",
  "home.appMissing": "no longer exists",
  "home.job": "Provisioning",
  "home.lastCycle": "Last cycle",
  "home.lastCycleWhen": "ended {date}",
  "home.lastCycleExported": "{count} change(s) sent to Scaleway",
  "home.lastCycleFailed": "{count} failed: Entra tries them again on its next cycles (see the recent errors)",
  "home.inSync": "Kept in sync with Scaleway",
  "home.inSyncCounts": "{users} user(s), {groups} group(s)",
  "home.lastCycleNone": "none yet",
  "home.lastCycleError": "Error: {error}",
  "home.assigned": "Assigned users and groups",
  "home.signIn.text": "Sign in to Microsoft to see the provisioning job and to make changes.",
  "home.signIn.button": "Sign in to Microsoft",
  "home.signIn.waiting": "Finish signing in in your browser…",
  "home.signIn.copy": "Copy the sign-in link",
  "home.proof": "Last proof",
  "home.proofSeen": "{upn} was in Scaleway as {username} on {date}.",
  "home.proofNotSeen": "{upn} was not yet in Scaleway as {username} on {date}.",
  "home.proofNone": "No proof recorded yet.",
  "home.actions": "What you can do",
  "home.renew": "Renew the token",
  "home.renewNote":
    "A second token is created, given to Entra and tested; only then is the old one deleted. If anything fails, the old token keeps working.",
  "home.renewing": "Renewing the token…",
  "home.renewed": "Renewed: Entra uses the new token, valid until {date}.",
  "home.key.title": "Renewing needs your Scaleway API key",
  "home.key.text":
    "The app does not keep your key after a setup. Paste a secret key of this Organization that may manage SCIM; it is used for this renewal only.",
  "home.key.label": "Secret key",
  "home.key.show": "Show the secret key",
  "home.key.submit": "Use this key and renew",
  "home.key.cancel": "Cancel",
  "home.key.required": "Paste the secret key first.",
  "home.addPeople": "Add people or groups",
  "home.checkAgain": "Check again",
  "home.checkAgainNote": "Sends one assigned person to Scaleway now and looks for them there.",
  "home.pause": "Pause provisioning",
  "home.resume": "Resume provisioning",
  "home.paused": "Provisioning is paused: Entra sends nothing to Scaleway until you resume it.",
  "home.resumed": "Provisioning is running again.",
  "home.rollback": "Roll back…",
  "home.needsSignIn": "Sign in to Microsoft first.",
  "home.errors.title": "Recent errors",
  "home.errors.note": "Who Entra could not send to Scaleway in the last 24 hours, from its provisioning logs. The first time, Microsoft asks you for the permission to read them.",
  "home.errors.show": "Show recent errors",
  "home.errors.again": "Read them again",
  "home.errors.none": "No errors in the last 24 hours ({succeeded} change(s) went through).",
  "setups.title": "Your setups on this computer",
  "setups.finished": "Finished · last change {date}",
  "setups.unfinished": "Not finished · last change {date}",
  "setups.open": "Open",
  "setups.all": "All setups",
  "setups.openNamed": "Open the setup of {name}",
  "home.lastCycleRunning": "in progress",
  "home.action.create": "creating",
  "home.action.update": "updating",
  "home.action.delete": "deleting",
  "home.action.disable": "disabling",
  "home.action.other": "provisioning",
  "done.home": "Open the setup's home",

  "rollback.title": "Roll back this setup?",
  "rollback.loading": "Reading what this setup created…",
  "rollback.remove": "This removes, in this order:",
  "rollback.kept": "This stays:",
  "rollback.byHand": "Without a Scaleway API key, this stays in Scaleway; do it in the Scaleway console:",
  "rollback.nothing": "This setup created nothing that needs removing.",
  "rollback.warning":
    "Provisioning from Entra to Scaleway stops. Users already in Scaleway stay there. This can’t be undone.",
  "rollback.confirm": "Roll back",
  "rollback.busy": "Rolling back…",
  "rollback.stop": "Stop",
  "rollback.stopped": "Stopped. What was already removed stays removed; the list above shows what is left.",
  "rollback.offer": "Roll back…",

  "nav.back": "Back",
  "nav.startOver": "Start over",

  "error.title": "Something went wrong",
  "error.retry": "Try again",
  "error.dismiss": "Dismiss",
  "error.details": "Details",
  "error.message.generic": "The operation could not be completed.",
  "error.hint.generic": "Try again. If it keeps happening, restart the app.",
  "error.message.internal": "Something unexpected happened inside the app.",
  "error.hint.internal": "Please report this problem. Your accounts were not changed by this error.",
  "error.message.invalid_input": "Some of the information entered isn’t valid.",
  "error.hint.invalid_input": "Check the value, correct it, then try again.",
  "error.message.not_ready": "This can’t be done yet: an earlier part of the setup isn’t finished.",
  "error.hint.not_ready": "Go back to the previous part and finish it first.",
  "error.message.keychain_unavailable":
    "Your computer’s keychain can’t be reached, so the secret token can’t be stored safely.",
  "error.hint.keychain_unavailable":
    "Start your system’s keychain (for example GNOME Keyring or KWallet), then try again. You can also choose not to keep the token: it will then only be sent to Entra.",
  "error.message.keychain_locked": "Your computer’s keychain is locked, or access to it was refused.",
  "error.hint.keychain_locked":
    "Unlock it (your session password usually does), allow the app when you are asked, then try again.",
  "error.message.keychain_failed":
    "Your computer’s keychain reported an error while reading or saving the secret token.",
  "error.hint.keychain_failed": "Try again. If it keeps failing, restart your session.",
  "error.message.sandbox_unavailable": "The practice sandbox could not start.",
  "error.hint.sandbox_unavailable": "Try again. If it keeps failing, restart the app.",
  "error.message.journal_failed": "The app could not keep track of the setup on this computer.",
  "error.hint.journal_failed":
    "Check that your disk isn’t full and that your home folder can be written to, then try again.",
  "error.message.journal_mismatch":
    "An unfinished setup for another Scaleway Organization is on this computer.",
  "error.hint.journal_mismatch":
    "Finish or undo that setup first, or connect with that Organization’s key.",
  "error.message.setup_in_use": "Another program is working on this setup right now.",
  "error.hint.setup_in_use":
    "Let it finish, or close it (another window of this app, or scim-wizard-cli), then try again.",
  "error.message.scaleway_credentials_not_found": "No Scaleway CLI settings were found on this computer.",
  "error.hint.scaleway_credentials_not_found":
    "Type your secret key and Organization ID instead, or set up the Scaleway CLI first (command scw init).",
  "error.message.scaleway_credentials_invalid": "The Scaleway CLI settings on this computer can’t be read.",
  "error.hint.scaleway_credentials_invalid":
    "Repair them with the command scw init, or type your secret key and Organization ID instead.",
  "error.message.scaleway_profile_unknown": "The Scaleway CLI settings have no profile with this name.",
  "error.hint.scaleway_profile_unknown":
    "Check the profile name, or leave it empty to use the default profile.",
  "error.message.scaleway_key_refused": "Scaleway does not recognise this secret key.",
  "error.hint.scaleway_key_refused":
    "Check that you pasted the secret key (not the access key) in full. If the key was deleted, create a new one in the Scaleway console: IAM → API keys.",
  "error.message.scaleway_key_expired": "This Scaleway API key has expired.",
  "error.hint.scaleway_key_expired":
    "Create a new API key in the Scaleway console (IAM → API keys) and use its secret key.",
  "error.message.scaleway_permission_denied":
    "This key isn’t allowed to manage automatic user provisioning (SCIM).",
  "error.hint.scaleway_permission_denied":
    "Use a key of the Organization Owner, or give the key’s user or application the IAMManager permission set (Scaleway console → IAM → Policies), then try again.",
  "error.message.scaleway_organization_not_found":
    "Scaleway found no Organization with this ID for this key.",
  "error.hint.scaleway_organization_not_found":
    "Copy the Organization ID from the Scaleway console (Organization settings), and check that the key belongs to that Organization.",
  "error.message.scaleway_token_limit":
    "Scaleway allows two SCIM tokens per Organization, and yours already has two.",
  "error.hint.scaleway_token_limit":
    "Delete the older token — only if nothing uses it any more, as Entra may still be using it — then try again.",
  "error.message.scaleway_rate_limited": "Scaleway asked the app to slow down.",
  "error.hint.scaleway_rate_limited": "Wait a minute, then try again.",
  "error.message.scaleway_unavailable": "Scaleway could not be reached, or had a problem.",
  "error.hint.scaleway_unavailable":
    "Check your internet connection and try again in a moment. Nothing was lost.",
  "error.message.scaleway_outcome_unknown":
    "The connection to Scaleway broke while a change was being made, so the app doesn’t know whether it happened.",
  "error.hint.scaleway_outcome_unknown":
    "Try again: the app checks what exists first and won’t create anything twice.",
  "error.message.scaleway_unexpected": "Scaleway answered in a way the app did not expect.",
  "error.hint.scaleway_unexpected": "Try again. If it keeps happening, please report it.",
  "error.message.scim_base_url_not_found": "This address could not be confirmed as your SCIM Base URL.",
  "error.hint.scim_base_url_not_found":
    "Copy the Base URL exactly as the Scaleway console shows it (Organization security → Automatic user provisioning), then paste it here.",
  "error.message.scim_token_refused": "Scaleway’s SCIM service refused this token.",
  "error.hint.scim_token_refused":
    "The token may have been deleted or may have expired: create a new one, or paste a current one.",
  "error.message.token_already_created":
    "This setup already created a SCIM token: using another one would leave that one in Scaleway, where undoing the setup could no longer remove it.",
  "error.hint.token_already_created":
    "Go on with the token this setup created, or undo the setup first (it deletes that token), then give yours.",
  "error.message.unsaved_token_at_risk":
    "The SCIM token is kept only in this app’s memory, and this would drop it. Scaleway never shows a token twice: without it you would have to create a new one.",
  "error.hint.unsaved_token_at_risk":
    "Copy the token first (or save it in the keychain), then do this again and confirm.",
  "error.message.tenant_not_confirmed":
    "Nothing was changed in Microsoft Entra: the tenant and the account signed in to it were not confirmed.",
  "error.hint.tenant_not_confirmed":
    "Check the account and tenant shown, sign in again to the right one if needed, then confirm.",
  "error.message.scim_token_lost":
    "A SCIM token was created, but the app stopped before it could save it, and Scaleway never shows a token twice.",
  "error.hint.scim_token_lost":
    "Delete the unusable token in the Scaleway console (Organization security → Automatic user provisioning), then create a new one here.",

  "error.message.entra_sign_in_required":
    "You are not signed in to Microsoft Entra ID, or your sign-in has expired.",
  "error.hint.entra_sign_in_required":
    "Sign in to Microsoft again, then try again.",
  "error.message.organization_has_setup":
    "This computer already has a setup for this Scaleway Organization.",
  "error.hint.organization_has_setup":
    "Open it from the welcome screen, which lists this computer's setups, instead of starting a new one.",
  "error.message.audit_log_consent_needed":
    "Reading the provisioning logs needs one more Microsoft permission (AuditLog.Read.All), which this sign-in does not have.",
  "error.hint.audit_log_consent_needed":
    "Sign in to Microsoft again and accept it. If it is refused, ask an administrator to grant it (a Reports Reader or Security Reader role is enough to read the logs).",
  "error.message.entra_consent_required":
    "The app hasn’t been given the Microsoft permissions it needs.",
  "error.hint.entra_consent_required":
    "Sign in again and accept the permissions. If your organization requires it, ask a Global Administrator to grant admin consent.",
  "error.message.entra_missing_role":
    "Your Microsoft account doesn’t have a role that can create and set up the app.",
  "error.hint.entra_missing_role":
    "Sign in with an account that has the Application Administrator or Cloud Application Administrator role, or ask an administrator to give you one.",
  "error.message.entra_sign_in_failed":
    "Signing in to Microsoft did not succeed.",
  "error.hint.entra_sign_in_failed":
    "Try signing in again. If it keeps failing, ask your Microsoft administrator.",
  "error.message.graph_forbidden":
    "Microsoft Entra ID refused this change for your account.",
  "error.hint.graph_forbidden":
    "Check that your account has the Application Administrator or Cloud Application Administrator role, then try again.",
  "error.message.graph_throttled":
    "Microsoft Entra ID asked the app to slow down.",
  "error.hint.graph_throttled":
    "Wait a few minutes, then try again.",
  "error.message.graph_unavailable":
    "Microsoft Entra ID could not be reached, or had a problem.",
  "error.hint.graph_unavailable":
    "Check your internet connection and try again in a moment. Nothing was lost.",
  "error.message.graph_credentials_rejected":
    "Entra’s connection test failed: Scaleway refused the token or the Base URL.",
  "error.hint.graph_credentials_rejected":
    "Go back to step 1 to check the token and the Base URL, then test again.",
  "error.message.graph_replication_timeout":
    "The new app is taking longer than usual to appear in Microsoft Entra ID.",
  "error.hint.graph_replication_timeout":
    "Wait a few minutes, then try again: the app picks up where it left off and won’t create a second one.",
  "error.message.graph_outcome_unknown":
    "The connection to Microsoft broke while something was being created, and it can’t be found.",
  "error.hint.graph_outcome_unknown":
    "Try again: the app checks what exists first and won’t create anything twice.",
  "error.message.graph_not_found":
    "Something this setup relies on no longer exists in Microsoft Entra ID.",
  "error.hint.graph_not_found":
    "It may have been deleted outside this app. Go back to the Entra step to create it again.",
  "error.message.graph_rejected":
    "Microsoft Entra ID refused the request.",
  "error.hint.graph_rejected":
    "Correct what the message points to, then try again.",
  "error.message.graph_unexpected":
    "Microsoft Entra ID answered in a way the app did not expect.",
  "error.hint.graph_unexpected":
    "Try again. If it keeps happening, please report it.",
  "error.message.mappings_not_applied":
    "The user details sent to Scaleway could not be changed as planned.",
  "error.hint.mappings_not_applied":
    "Try again. If it keeps failing, please report it.",
  "error.message.principal_not_found":
    "A user or group you chose doesn’t exist in Microsoft Entra ID.",
  "error.hint.principal_not_found":
    "Check the name, or pick the person or group again from the list.",
  "error.message.username_collision":
    "Two or more people would get the same username in Scaleway, so one would take over the other’s account.",
  "error.hint.username_collision":
    "Keep the domain in usernames for everyone (jane@contoso.com instead of jane), or leave out the people who collide.",
  "error.message.provisioning_quarantined":
    "Entra has paused provisioning to Scaleway (quarantine) after repeated errors.",
  "error.hint.provisioning_quarantined":
    "Fix the cause described in the message, then start provisioning again.",
  "error.message.provisioning_failed":
    "Sending the test user to Scaleway failed.",
  "error.hint.provisioning_failed":
    "Fix the cause given by Entra or Scaleway, then try again.",
  "error.message.proof_user_not_found":
    "The test user did not appear in Scaleway in the time allowed.",
  "error.hint.proof_user_not_found":
    "It can take a while. Check again in a few minutes.",
  "error.message.cancelled":
    "The operation was stopped before it finished.",
  "error.hint.cancelled":
    "Run it again: the app picks up where it left off.",
  "error.message.confirmation_required":
    "This change needs your explicit confirmation.",
  "error.hint.confirmation_required":
    "Confirm it when you are asked, then try again.",
  "error.message.scaleway_key_needed":
    "This needs a Scaleway API key, and the app was given only a SCIM token.",
  "error.hint.scaleway_key_needed":
    "Do it in the Scaleway console (Organization security → Automatic user provisioning), or connect with a Scaleway API key of the Organization Owner or with the IAMManager permission set.",

  "footer.version": "Version {version}",
  "said.you":
    "You",
  "said.tokenKept.keychain":
    "kept in your keychain",
  "said.tokenKept.memoryKeychainRefused":
    "held in memory: your keychain refused it",
  "said.tokenKept.memoryAsChosen":
    "not stored, as you chose",
  "said.proof.seen":
    "It works: {upn} is in Scaleway as “{username}”{how}.",
  "said.proof.seenCycleRunning":
    "It works: {upn} is in Scaleway as “{username}”{how}. The first provisioning cycle is still running.",
  "said.proof.stillThere":
    "Still working: {upn} is in Scaleway as “{username}”{how}.",
  "said.proof.throughScim":
    " (checked through SCIM with your token)",
  "said.proof.noUserToCheck":
    "No user is assigned directly, so no test user could be checked. Provisioning is started; assign a user to check it.",
  "said.group.arrived":
    "The group “{group}” is in Scaleway, with “{member}” in it.",
  "said.group.groupMissing":
    "The group “{group}” did not appear in Scaleway.",
  "said.group.memberMissing":
    "The group “{group}” is in Scaleway, but “{member}” is not in it yet.",
  "said.group.noUserMembers":
    "The group “{group}” has no user directly in it: nothing was provisioned with it.",
  "said.group.onDemandFailed":
    "Entra could not provision the group “{group}”: {message}",
  "said.undo.unassignUser":
    "Unassign the user {name}.",
  "said.undo.unassignGroup":
    "Unassign the group {name}.",
  "said.undo.restoreMappings":
    "Put the attribute mappings back as they were.",
  "said.undo.deleteJob":
    "Delete the provisioning job (provisioning stops).",
  "said.undo.deleteApp":
    "Delete the enterprise application “{name}” (it can be restored for 30 days from Entra’s deleted applications).",
  "said.undo.deleteToken":
    "Delete the SCIM token the wizard created.",
  "said.undo.deleteRotationToken":
    "Delete the token of the unfinished renewal.",
  "said.undo.disableScim":
    "Turn SCIM off in the Scaleway Organization (the wizard turned it on).",
  "said.kept.provisionedUsers":
    "Users and groups already provisioned into Scaleway stay (as when an Entra app is deleted): remove them in the Scaleway console if needed.",
  "said.kept.assignedBefore":
    "{name} was assigned before the wizard: kept.",
  "said.kept.jobExistedBefore":
    "The provisioning job existed before the wizard: kept.",
  "said.kept.appExistedBefore":
    "The application “{name}” existed before the wizard: kept.",
  "said.kept.savedCredentialsStay":
    "The Tenant URL and token saved in it stay (Entra cannot give back the previous ones).",
  "said.kept.pastedToken":
    "The SCIM token you pasted stays in Scaleway.",
  "said.kept.scimEnabledBefore":
    "SCIM was on before the wizard: it stays on.",
  "said.kept.credentialsKept":
    "Your Scaleway key and Microsoft sign-in stay in your keychain, as you chose. Forget them in Settings.",
  "said.kept.credentialsForgotten":
    "Your Scaleway key and Microsoft sign-in are forgotten with the setup.",
  "said.fix.askForRole":
    "A Global Administrator or Privileged Role Administrator can give you the Cloud Application Administrator role (Application Administrator also works); sign in again afterwards.",
  "said.fix.grantConsentYourself":
    "You can grant consent yourself: open the admin consent link, accept, then sign in again. Missing: {missing}.",
  "said.fix.askForConsent":
    "An Application Administrator (or Cloud Application Administrator, or Global Administrator) can grant consent: send them the admin consent link, then sign in again. Missing: {missing}.",
  "said.progress.checkingPermissions":
    "Checking your Entra role and permissions",
  "said.progress.permissionsOk":
    "{who} can set this up, and the permissions are granted.",
  "said.progress.permissionsOkRole":
    "{who} can set this up ({role}), and the permissions are granted.",
  "said.progress.checkingScim":
    "Checking SCIM in your Scaleway Organization",
  "said.progress.checkingGivenToken":
    "Checking the SCIM token with its Base URL",
  "said.progress.scimEnabledNow":
    "Turned SCIM on in your Scaleway Organization.",
  "said.progress.scimAlreadyEnabled":
    "SCIM was already on in your Scaleway Organization.",
  "said.progress.givenTokenWorks":
    "SCIM is on in your Scaleway Organization, and the SCIM token works with its Base URL.",
  "said.progress.creatingToken":
    "Creating the SCIM token",
  "said.progress.tokenCreated":
    "Created a SCIM token ({kept}).",
  "said.progress.tokenReused":
    "Using the SCIM token created earlier ({kept}).",
  "said.progress.usingGivenTokenKeychain":
    "Using the SCIM token kept in your keychain.",
  "said.progress.usingGivenTokenMemory":
    "Using the SCIM token (held only while the app runs, as you chose).",
  "said.progress.creatingApp":
    "Creating the enterprise application “{name}”",
  "said.progress.appCreated":
    "Created the enterprise application “{name}”.",
  "said.progress.appReused":
    "The enterprise application “{name}” already exists: using it.",
  "said.progress.appGoneCreatingAgain":
    "The application created earlier no longer exists in Entra: creating it again.",
  "said.progress.appFoundByName":
    "Found the application “{name}” in Entra: using it.",
  "said.progress.appCreationUnconfirmed":
    "Entra did not confirm the creation: looking for the application by its name.",
  "said.progress.creatingJob":
    "Creating the provisioning job",
  "said.progress.jobCreated":
    "Created the provisioning job.",
  "said.progress.jobExists":
    "The provisioning job already exists.",
  "said.progress.jobGoneCreatingAgain":
    "The provisioning job created earlier no longer exists: creating it again.",
  "said.progress.testingConnection":
    "Testing the connection from Entra to Scaleway",
  "said.progress.connectionTestedSaving":
    "Test connection passed: saving the Tenant URL and the token in Entra.",
  "said.progress.connectionSaved":
    "Entra reached Scaleway with the token, and the connection is saved.",
  "said.progress.connectionSavedEarlier":
    "The connection was saved earlier and still works.",
  "said.progress.readingMappings":
    "Reading the attribute mappings",
  "said.progress.editingMappings":
    "Editing the attribute mappings",
  "said.progress.mappingsEdited":
    "Edited the attribute mappings ({count} changes).",
  "said.progress.mappingsAlreadyRight":
    "The attribute mappings are as Scaleway’s guide wants.",
  "said.progress.noOneToAssign":
    "No users or groups were chosen: assign them later in the wizard or the Entra admin center.",
  "said.progress.assigning":
    "Assigning the chosen users and groups",
  "said.progress.assignedAll":
    "Assigned {created} user(s) or group(s).",
  "said.progress.assignedNone":
    "All {reused} were already assigned.",
  "said.progress.assignedSome":
    "Assigned {created}; {reused} were already assigned.",
  "said.progress.starting":
    "Starting provisioning",
  "said.progress.started":
    "Started provisioning.",
  "said.progress.alreadyRunning":
    "Provisioning was already running.",
  "said.progress.checkingUserArrives":
    "Checking that a user arrives in Scaleway",
  "said.progress.proofTurnedOff":
    "The final check was turned off.",
  "said.progress.provisioningOnDemand":
    "Provisioning {upn} on demand.",
  "said.progress.provisioningGroupOnDemand":
    "Provisioning the group “{name}” on demand, with {members} member(s).",
  "said.progress.waitingForFirstCycle":
    "Provision on demand does not work with the SCIM compatibility option: waiting for the first provisioning cycle instead.",
  "said.progress.userSeenCycleRunning":
    "The user is in Scaleway; waiting for the provisioning cycle to finish.",
  "said.progress.waitingForUser":
    "Waiting for the user to appear in Scaleway.",
  "said.progress.rollingBack":
    "Undoing the setup",
  "said.progress.rolledBack":
    "Undone: {removed} item(s) removed.",
  "said.progress.rotatingToken":
    "Renewing the SCIM token",
  "said.progress.newTokenGivenToEntra":
    "Created the new token: giving it to Entra.",
  "said.progress.tokenRotated":
    "Entra now uses the new token, and the old one ({old}) is deleted.",
  "said.progress.tokenRotatedOldKept":
    "Entra now uses the new token. The old one was not created by the wizard: delete it in the Scaleway console when nothing else uses it.",
  "said.job.quarantined":
    "Entra stopped provisioning (quarantine).",
  "said.job.steadyState":
    "Provisioning is running and has reached its steady state.",
  "said.job.running":
    "Provisioning is running.",
  "said.job.paused":
    "Provisioning is paused.",
  "said.job.firstCycleRunning":
    "Provisioning is started; its first cycle has not finished yet.",
  "said.job.notStarted":
    "Provisioning is not started.",
  "said.quarantine.scalewayRefuses":
    "Entra stopped provisioning because Scaleway kept refusing its requests (usually a wrong Tenant URL, or a deleted or expired token).",
  "said.quarantine.tooManyDeletes":
    "Entra stopped provisioning because it was about to delete too many users at once.",
  "said.quarantine.tooManyFailures":
    "Entra stopped provisioning because too many users failed to provision.",
  "said.quarantine.onRequest":
    "Provisioning was put in quarantine on request.",
  "said.quarantine.directoryReadInterrupted":
    "Entra stopped provisioning because reading your directory was interrupted.",
  "said.quarantine.other":
    "Entra stopped provisioning (quarantine).",
  "said.attention.tokenRefused":
    "Scaleway refuses the SCIM token Entra uses (it was deleted, or it expired): provisioning has stopped. Renew the token.",
  "said.attention.tokenExpired":
    "The SCIM token Entra uses has expired, so provisioning has stopped. Renew the token.",
  "said.attention.tokenExpiresSoon":
    "The SCIM token Entra uses expires in {days} day(s). Renew it now and provisioning keeps going.",
  "said.attention.scimDisabled":
    "SCIM is turned off on the Scaleway Organization: run a new setup to turn it on again.",
  "said.attention.appMissing":
    "The enterprise application of this setup is gone from Entra: run a new setup.",
  "said.attention.lastCycleFailed":
    "Entra's last provisioning cycle failed. Check again to see whether people still arrive in Scaleway.",
  "said.failure.tokenRefused":
    "Scaleway refused the SCIM token: renew the token.",
  "said.failure.alreadyExists":
    "Scaleway already has this username: check that no two people get the same username (keep the domain in usernames if they do).",
  "said.failure.valueRefused":
    "Scaleway refused one of this person's details: correct it in Entra, and the next cycle sends it again.",
  "said.failure.scalewayUnavailable":
    "Scaleway could not be reached or failed: Entra tries again on its next cycle.",
  "said.failure.notSupported":
    "Scaleway does not accept what Entra sent: run a new setup so the mappings are as Scaleway's guide asks.",
  "said.failure.other":
    "Entra could not provision this person: see Entra's words below.",
  "said.needsKey.listTokens":
    "Without a Scaleway API key the app cannot list your SCIM tokens or see when they expire (a token lasts one year): check them in the Scaleway console (Organization security → Automatic user provisioning).",
  "said.needsKey.enableScim":
    "Turning SCIM on needs a Scaleway API key: do it in the Scaleway console (Organization security → Automatic user provisioning).",
  "said.needsKey.createToken":
    "Creating a SCIM token needs a Scaleway API key: create it in the Scaleway console (Organization security → Automatic user provisioning).",
  "said.needsKey.deleteToken":
    "A SCIM token stays valid in Scaleway: the app has no Scaleway API key to delete it. Delete it in the Scaleway console (Organization security → Automatic user provisioning) if nothing else uses it.",
  "said.needsKey.disableScim":
    "SCIM stays on in the Scaleway Organization: the app has no Scaleway API key to turn it off. Turn it off in the Scaleway console (Organization security → Automatic user provisioning) if you no longer need it.",
} as const satisfies Record<string, string>;

export type MessageKey = keyof typeof en;

/** The shape every translation must have: exactly the English keys, each a string. */
export type Messages = { readonly [K in MessageKey]: string };
