//! The connection check run when the admin enters Scaleway credentials: is the key valid,
//! which Organization is it, and can it manage SCIM (docs/services.md, "Scaleway: which
//! Organization and which rights")?

use serde::Serialize;

use crate::client::{ScalewayClient, Traced};
use crate::error::{DeniedPermission, ScalewayError};
use crate::types::{ApiKeyBearer, Scim};

/// Which call a request id belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStep {
    ReadApiKey,
    ReadUser,
    ReadApplication,
    ReadOrganization,
    ReadScim,
}

/// The `X-Request-Id` of one call of the check, for support messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckRequest {
    pub step: CheckStep,
    pub request_id: Option<String>,
}

/// Where the Organization ID came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OrganizationSource {
    /// The admin gave it.
    Given,
    /// Found through the API key's user.
    ApiKeyUser { user_id: String },
    /// Found through the API key's application.
    ApiKeyApplication { application_id: String },
}

/// What the connection check found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CredentialCheck {
    pub organization_id: String,
    pub organization_source: OrganizationSource,
    /// `None` when the key may not read the Organization (the check goes on: reading the
    /// Organization is only for showing its name).
    pub organization_name: Option<String>,
    /// The SCIM configuration if SCIM is enabled; `None` if it is not, or if the key may not
    /// read it (then `can_manage_scim` is false).
    pub scim_enabled: Option<Scim>,
    /// True when the SCIM preflight answered 200 or 404; false on 403.
    pub can_manage_scim: bool,
    /// What the 403 of the SCIM preflight said is missing, to show the admin.
    pub scim_denied_permissions: Vec<DeniedPermission>,
    /// Request ids of every call made, in order.
    pub requests: Vec<CheckRequest>,
}

impl ScalewayClient {
    /// Checks the client's secret key and finds what the wizard needs to go on.
    ///
    /// Give the Organization ID when known. Otherwise give the access key: the Organization is
    /// then found as `GET /api-keys/{access_key}` → user or application → `organization_id`.
    /// The Organization and its SCIM configuration are then read at the same time: the SCIM
    /// GET is the permission preflight (200 or 404: the key can manage SCIM; 403: it cannot).
    ///
    /// Errors: any 401 (the key itself is refused), a 404 on the Organization (wrong ID), a
    /// 403 on the key look-up, and network or server failures.
    pub async fn check_credentials(
        &self,
        organization_id: Option<&str>,
        access_key: Option<&str>,
    ) -> Result<CredentialCheck, ScalewayError> {
        let mut requests = Vec::new();
        let given = organization_id.map(str::trim).filter(|id| !id.is_empty());
        let (organization_id, organization_source) = match (given, access_key) {
            (Some(id), _) => (id.to_owned(), OrganizationSource::Given),
            (None, Some(access_key)) => {
                self.resolve_organization(access_key, &mut requests).await?
            }
            (None, None) => {
                return Err(ScalewayError::invalid_input(
                    "credentials",
                    "give the Organization ID, or the access key to look it up",
                ));
            }
        };

        let (organization, scim) = tokio::join!(
            self.get_organization_traced(&organization_id),
            self.get_scim_traced(&organization_id)
        );
        requests.push(CheckRequest {
            step: CheckStep::ReadOrganization,
            request_id: outcome_request_id(&organization),
        });
        requests.push(CheckRequest {
            step: CheckStep::ReadScim,
            request_id: outcome_request_id(&scim),
        });

        // A refused key is the headline whichever call reported it.
        for outcome in [organization.as_ref().err(), scim.as_ref().err()] {
            if let Some(error @ ScalewayError::AuthDenied { .. }) = outcome {
                return Err(error.clone());
            }
        }
        let organization_name = match organization {
            Ok(traced) => Some(traced.value.name),
            Err(ScalewayError::PermissionDenied { .. }) => None,
            Err(error) => return Err(error),
        };
        let (scim_enabled, can_manage_scim, scim_denied_permissions) = match scim {
            Ok(traced) => (traced.value, true, Vec::new()),
            Err(ScalewayError::PermissionDenied { denied, .. }) => (None, false, denied),
            Err(error) => return Err(error),
        };
        Ok(CredentialCheck {
            organization_id,
            organization_source,
            organization_name,
            scim_enabled,
            can_manage_scim,
            scim_denied_permissions,
            requests,
        })
    }

    async fn resolve_organization(
        &self,
        access_key: &str,
        requests: &mut Vec<CheckRequest>,
    ) -> Result<(String, OrganizationSource), ScalewayError> {
        let api_key = self.get_api_key_traced(access_key).await?;
        requests.push(CheckRequest {
            step: CheckStep::ReadApiKey,
            request_id: api_key.request_id.clone(),
        });
        match api_key.value.bearer() {
            Some(ApiKeyBearer::User(user_id)) => {
                let user = self.get_user_traced(&user_id).await?;
                requests.push(CheckRequest {
                    step: CheckStep::ReadUser,
                    request_id: user.request_id.clone(),
                });
                let organization_id = non_empty_org(user.value.organization_id, &user.request_id)?;
                Ok((organization_id, OrganizationSource::ApiKeyUser { user_id }))
            }
            Some(ApiKeyBearer::Application(application_id)) => {
                let application = self.get_application_traced(&application_id).await?;
                requests.push(CheckRequest {
                    step: CheckStep::ReadApplication,
                    request_id: application.request_id.clone(),
                });
                let organization_id =
                    non_empty_org(application.value.organization_id, &application.request_id)?;
                Ok((
                    organization_id,
                    OrganizationSource::ApiKeyApplication { application_id },
                ))
            }
            None => Err(ScalewayError::UnexpectedResponse {
                status: 200,
                detail: "the API key names neither a user nor an application".to_owned(),
                request_id: api_key.request_id,
            }),
        }
    }
}

fn non_empty_org(
    organization_id: String,
    request_id: &Option<String>,
) -> Result<String, ScalewayError> {
    if organization_id.is_empty() {
        Err(ScalewayError::UnexpectedResponse {
            status: 200,
            detail: "the key's owner has no organization_id".to_owned(),
            request_id: request_id.clone(),
        })
    } else {
        Ok(organization_id)
    }
}

fn outcome_request_id<T>(outcome: &Result<Traced<T>, ScalewayError>) -> Option<String> {
    match outcome {
        Ok(traced) => traced.request_id.clone(),
        Err(error) => error.request_id().map(str::to_owned),
    }
}
