//! The command line, as clap reads it. Every flag that names a place (login, Graph, Scaleway,
//! SCIM Base URL) can also come from an environment variable; no flag ever takes a secret.

use clap::{Args, Parser, Subcommand, ValueEnum};
use scim_wizard_entra::Cloud;

use crate::exit::EXIT_CODES_HELP;

const ABOUT: &str = "Connect Microsoft Entra ID provisioning to a Scaleway Organization over SCIM.";

const LONG_ABOUT: &str = "\
Connect Microsoft Entra ID provisioning to a Scaleway Organization over SCIM.

Does the four steps of Scaleway's guide \"How to configure SCIM for Microsoft Entra ID\": enables
SCIM and creates its token in Scaleway, creates the Entra enterprise application and its
provisioning job, saves the connection after testing it, edits the mappings, assigns the users
you name, starts provisioning and checks that one user arrives in Scaleway.

The Scaleway key comes from SCW_SECRET_KEY / SCW_ACCESS_KEY / SCW_DEFAULT_ORGANIZATION_ID or the
`scw` CLI configuration (--scw-profile), never from a flag. You sign in to Microsoft in your
browser (or with --device-code). The SCIM token goes to the OS keychain (Entra uses it). The key
and the sign-in are kept there only with --remember, so later runs need neither; `forget` deletes
them. No secret is ever printed.

A run that stops half-way (Ctrl-C, a crash, a lost connection) is resumed by running the same
command again: the journal in the app's data directory remembers what was created.";

#[derive(Debug, Parser)]
#[command(
    name = "scim-wizard-cli",
    version,
    about = ABOUT,
    long_about = LONG_ABOUT,
    after_help = EXIT_CODES_HELP,
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show what `apply` would change, reading both sides; changes nothing.
    #[command(after_help = EXIT_CODES_HELP)]
    Plan {
        #[command(flatten)]
        common: Common,
        #[command(flatten)]
        setup: SetupArgs,
    },
    /// Do the setup, or resume one that stopped half-way; a second run changes nothing.
    #[command(after_help = EXIT_CODES_HELP)]
    Apply {
        #[command(flatten)]
        common: Common,
        #[command(flatten)]
        setup: SetupArgs,
        /// Use a SCIM token you already have instead of creating one: read it from standard
        /// input (never from a flag), with its Base URL in --scim-base-url.
        #[arg(long)]
        scim_token_stdin: bool,
        /// Skip the final check (provisioning one assigned user and finding it in Scaleway).
        #[arg(long)]
        no_verify: bool,
    },
    /// Show both sides: SCIM and its tokens (with expiry), the Entra app, the provisioning job,
    /// its last cycle, and a quarantine explained.
    #[command(after_help = EXIT_CODES_HELP)]
    Status {
        #[command(flatten)]
        common: Common,
    },
    /// Undo what the setup created (newest first), after showing the plan and asking.
    #[command(after_help = EXIT_CODES_HELP)]
    Rollback {
        #[command(flatten)]
        common: Common,
        /// Also forget the saved Microsoft sign-in.
        #[arg(long)]
        forget_sign_in: bool,
    },
    /// Replace the SCIM token: create a new one, give it to Entra, test it, delete the old one.
    #[command(after_help = EXIT_CODES_HELP)]
    RotateToken {
        #[command(flatten)]
        common: Common,
    },
    /// Pause provisioning: Entra stops sending changes to Scaleway until it is resumed.
    #[command(after_help = EXIT_CODES_HELP)]
    PauseProvisioning {
        #[command(flatten)]
        common: Common,
    },
    /// Resume paused provisioning from where it stopped.
    #[command(after_help = EXIT_CODES_HELP)]
    ResumeProvisioning {
        #[command(flatten)]
        common: Common,
    },
    /// Delete the Scaleway keys and Microsoft sign-ins kept in the OS keychain (SCIM tokens stay:
    /// Entra uses them).
    #[command(after_help = EXIT_CODES_HELP)]
    Forget {
        #[command(flatten)]
        common: Common,
    },
    /// Run the loopback simulator of Microsoft login, Graph, Scaleway IAM and SCIM, for practice
    /// and tests. Prints one JSON line with its URLs, then serves until interrupted.
    #[command(after_help = scim_wizard_sandbox::FAULT_SPEC_HELP)]
    Sandbox {
        /// Port on 127.0.0.1 (0 picks a free one).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Latency added to every request, in milliseconds.
        #[arg(long, default_value_t = 0)]
        latency_ms: u64,
        /// Faults to inject (see below).
        #[arg(long, value_name = "SPEC")]
        faults: Option<String>,
        /// Seed for generated ids, keys and fault draws.
        #[arg(long)]
        seed: Option<u64>,
    },
}

/// The Microsoft cloud to work in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CloudArg {
    /// The global (public) cloud.
    Global,
    /// Azure US Government.
    Usgov,
    /// Azure China (21Vianet).
    China,
}

impl From<CloudArg> for Cloud {
    fn from(cloud: CloudArg) -> Self {
        match cloud {
            CloudArg::Global => Cloud::Global,
            CloudArg::Usgov => Cloud::UsGov,
            CloudArg::China => Cloud::China,
        }
    }
}

/// Where the services are, who signs in, and how the CLI talks.
#[derive(Debug, Clone, Args)]
pub struct Common {
    /// Microsoft cloud: its login host, Graph host and app template.
    #[arg(long, value_enum, default_value_t = CloudArg::Global, env = "SCIM_WIZARD_CLOUD")]
    pub cloud: CloudArg,
    /// Microsoft login root instead of the cloud's.
    #[arg(long, value_name = "URL", env = "SCIM_WIZARD_LOGIN_URL")]
    pub login_url: Option<String>,
    /// Microsoft Graph root instead of the cloud's.
    #[arg(long, value_name = "URL", env = "SCIM_WIZARD_GRAPH_URL")]
    pub graph_url: Option<String>,
    /// Scaleway API root instead of https://api.scaleway.com.
    #[arg(long, value_name = "URL", env = "SCIM_WIZARD_SCALEWAY_URL")]
    pub scaleway_url: Option<String>,
    /// SCIM Base URL pattern, with {scim_id} and/or {organization_id}, instead of the built-in
    /// guesses (with --scim-token-stdin: the Base URL of that token).
    #[arg(long, value_name = "URL", env = "SCIM_WIZARD_SCIM_BASE_URL")]
    pub scim_base_url: Option<String>,
    /// Entra tenant id or domain to sign in to (default: your account's home tenant).
    #[arg(long, value_name = "TENANT", env = "SCIM_WIZARD_TENANT")]
    pub tenant: Option<String>,
    /// Your own multi-tenant public client id instead of Microsoft Graph Command Line Tools.
    #[arg(long, value_name = "ID", env = "SCIM_WIZARD_CLIENT_ID")]
    pub client_id: Option<String>,
    /// Sign in with a code typed on any device, instead of a browser on this computer.
    #[arg(long)]
    pub device_code: bool,
    /// Scaleway Organization ID (default: SCW_DEFAULT_ORGANIZATION_ID, the scw profile, or the
    /// key's own Organization).
    #[arg(long, value_name = "ID")]
    pub scw_organization_id: Option<String>,
    /// Profile of the `scw` CLI configuration to take the key from (default: SCW_PROFILE, then
    /// the active profile).
    #[arg(long, value_name = "NAME")]
    pub scw_profile: Option<String>,
    /// Keep nothing in the OS keychain: the SCIM token is only sent to Entra (it cannot be
    /// shown or reused later) and the next run signs in again.
    #[arg(long)]
    pub no_keychain: bool,
    /// Keep the Scaleway key and the Microsoft sign-in in the OS keychain for later runs (also
    /// once the setup is done), until `scim-wizard-cli forget`. Without it, this run uses what
    /// an earlier run kept but keeps nothing new.
    #[arg(long, conflicts_with = "no_keychain")]
    pub remember: bool,
    /// Do not ask: confirm every change (needed when standard input is not a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Print one JSON object per line: each event, then a final summary.
    #[arg(long)]
    pub json: bool,
    /// Between two reads while waiting for provisioning, in milliseconds.
    #[arg(
        long,
        value_name = "MS",
        env = "SCIM_WIZARD_POLL_INTERVAL_MS",
        hide = true
    )]
    pub poll_interval_ms: Option<u64>,
}

/// What the setup does (plan and apply).
#[derive(Debug, Clone, Args)]
pub struct SetupArgs {
    /// Display name of the Entra application (default: "Scaleway SCIM (<organization>)").
    #[arg(long, value_name = "NAME")]
    pub app_name: Option<String>,
    /// Assign this user (UPN or object id) to the app; repeat for more.
    #[arg(long = "assign", value_name = "UPN")]
    pub assign: Vec<String>,
    /// Assign this group (exact name or object id) to the app; repeat for more.
    #[arg(long = "assign-group", value_name = "NAME")]
    pub assign_group: Vec<String>,
    /// Push groups to Scaleway even if its SCIM service does not say it takes them. By default
    /// groups are pushed when it does, as Scaleway's guide says today.
    #[arg(long, conflicts_with = "no_groups")]
    pub provision_groups: bool,
    /// Do not push groups to Scaleway: the users in assigned groups are provisioned, their
    /// groups are not.
    #[arg(long)]
    pub no_groups: bool,
    /// Send the whole UPN as the Scaleway username instead of the part before "@".
    #[arg(long)]
    pub keep_upn_domain: bool,
    /// Add Microsoft's SCIM compatibility flag to the Tenant URL.
    #[arg(long)]
    pub scim_compat_flag: bool,
}

impl Command {
    /// The name shown in the final summary.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Plan { .. } => "plan",
            Command::Apply { .. } => "apply",
            Command::Status { .. } => "status",
            Command::Rollback { .. } => "rollback",
            Command::RotateToken { .. } => "rotate-token",
            Command::PauseProvisioning { .. } => "pause-provisioning",
            Command::ResumeProvisioning { .. } => "resume-provisioning",
            Command::Forget { .. } => "forget",
            Command::Sandbox { .. } => "sandbox",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn no_flag_takes_a_secret() {
        let command = Cli::command();
        for sub in command.get_subcommands() {
            for arg in sub.get_arguments() {
                let id = arg.get_id().as_str().to_ascii_lowercase();
                assert!(
                    !(id.contains("secret") || id.contains("password"))
                        && (id == "scim_token_stdin" || !id.contains("token")),
                    "{} takes a secret: {id}",
                    sub.get_name()
                );
            }
        }
    }

    #[test]
    fn flags_parse_as_documented() {
        let cli = Cli::try_parse_from([
            "scim-wizard-cli",
            "apply",
            "--cloud",
            "usgov",
            "--assign",
            "a@contoso.com",
            "--assign",
            "b@contoso.com",
            "--assign-group",
            "Sales",
            "--device-code",
            "--yes",
            "--json",
        ])
        .unwrap();
        let Command::Apply { common, setup, .. } = cli.command else {
            panic!("not apply");
        };
        assert_eq!(common.cloud, CloudArg::Usgov);
        assert_eq!(setup.assign, vec!["a@contoso.com", "b@contoso.com"]);
        assert_eq!(setup.assign_group, vec!["Sales"]);
        assert!(common.device_code && common.yes && common.json);
        assert!(Cli::try_parse_from(["scim-wizard-cli", "apply", "--cloud", "mars"]).is_err());
        assert!(Cli::try_parse_from(["scim-wizard-cli", "status", "--assign", "x"]).is_err());
    }
}
