//! What the admin chose for a setup (the fronts fill it; the steps read it).

use scim_wizard_entra::MappingOptions;

use crate::report::PrincipalRef;
use crate::scaleway_step::KeychainChoice;

/// Whether groups are provisioned to Scaleway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GroupsChoice {
    /// As Scaleway's guide says today: on, when this Organization's SCIM service takes groups
    /// (asked, not assumed: `GET {base}/Groups`).
    #[default]
    AsScalewaySays,
    /// On (the admin asked; Scaleway still has to take them).
    On,
    /// Off: assigned groups' members are provisioned as users, no group is.
    Off,
}

impl GroupsChoice {
    /// Whether groups go to Scaleway, given whether its SCIM service takes them.
    pub fn wanted(self, supported: bool) -> bool {
        match self {
            Self::AsScalewaySays => supported,
            Self::On => true,
            Self::Off => false,
        }
    }
}

/// What the admin chose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetupOptions {
    /// Full UPN or local part, compat flag. Its `provision_groups` is set by the engine from
    /// [`SetupOptions::groups`].
    pub mapping: MappingOptions,
    /// Groups to Scaleway or not.
    pub groups: GroupsChoice,
    /// Who to assign (users by UPN or id, groups by name or id).
    pub principals: Vec<PrincipalRef>,
    /// Keep the SCIM token in the keychain (default) or only send it to Entra.
    pub keychain: KeychainChoice,
    /// Where Entra mails quarantine notices; `None`: off.
    pub notification_email: Option<String>,
    /// Provision one assigned user and check it in Scaleway at the end of `apply_all`.
    pub prove: bool,
    /// A display name instead of [`app_display_name`] (keep it unique in the tenant).
    pub app_name: Option<String>,
    /// The Entra tenant the admin confirmed, having seen it and the signed-in account: nothing
    /// in Entra is created until it is the tenant signed in to (a setup whose app exists was
    /// confirmed when it was created).
    pub confirmed_tenant: Option<String>,
}

impl Default for SetupOptions {
    fn default() -> Self {
        Self {
            mapping: MappingOptions::default(),
            groups: GroupsChoice::default(),
            principals: Vec::new(),
            keychain: KeychainChoice::Store,
            notification_email: None,
            prove: true,
            app_name: None,
            confirmed_tenant: None,
        }
    }
}

impl SetupOptions {
    /// The mappings to write, with groups on or off as chosen and as Scaleway takes them.
    pub fn mapping_for(&self, groups_supported: bool) -> MappingOptions {
        MappingOptions {
            provision_groups: self.groups.wanted(groups_supported),
            ..self.mapping
        }
    }
}
