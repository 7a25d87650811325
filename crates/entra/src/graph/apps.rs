//! The enterprise application: instantiate, wait out replication, find, delete
//! (docs/services.md).

use std::time::Duration;

use serde_json::{Value, json};
use tokio::time::Instant;

use super::odata::odata_string;
use super::types::{AppRole, ApplicationSummary, InstantiatedApp, ServicePrincipalSummary};
use super::{GraphClient, GraphError, Request, unexpected};

/// What [`GraphClient::wait_until_replicated`] observed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replication {
    /// Rounds of (`GET /servicePrincipals/{id}`, `GET /applications/{id}`) made.
    pub polls: u32,
    pub waited: Duration,
}

impl GraphClient {
    /// `POST /applicationTemplates/{template_id}/instantiate {"displayName"}` → 201.
    ///
    /// Never retried once it may have reached Graph: a lost answer, a 404 (Graph is known to
    /// answer 404 and still create the app, docs/services.md) or a 5xx gives
    /// [`GraphError::OutcomeUnknown`]; look the app up by `display_name` before trying again.
    pub async fn instantiate_non_gallery(
        &self,
        template_id: &str,
        display_name: &str,
    ) -> Result<InstantiatedApp, GraphError> {
        const OPERATION: &str = "create the enterprise application";
        let url = self.url(&["applicationTemplates", template_id, "instantiate"], &[]);
        let request =
            Request::post(url, Some(json!({ "displayName": display_name }))).creates(OPERATION);
        // No replication window on the create itself: a 404 here is not lag but the known bug.
        let answer = self
            .with_retry_window(super::RetryWindow::None)
            .call_json::<Value>(request)
            .await
            .map_err(|error| match error {
                GraphError::NotFound { detail } | GraphError::Unavailable { detail } => {
                    GraphError::OutcomeUnknown {
                        operation: OPERATION,
                        message: detail.to_string(),
                    }
                }
                other => other,
            })?;
        let text = |object: &str, key: &str| {
            answer
                .get(object)
                .and_then(|value| value.get(key))
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        let (Some(application_object_id), Some(app_id), Some(service_principal_id)) = (
            text("application", "id"),
            text("application", "appId"),
            text("servicePrincipal", "id"),
        ) else {
            // Something was (probably) created; the engine looks it up by name.
            return Err(GraphError::OutcomeUnknown {
                operation: OPERATION,
                message: "the answer lacked the application or service principal ids".to_owned(),
            });
        };
        let app_roles = answer
            .get("servicePrincipal")
            .and_then(|sp| sp.get("appRoles"))
            .cloned()
            .map(serde_json::from_value::<Vec<AppRole>>)
            .transpose()
            .map_err(|error| unexpected(&format!("app roles of an unexpected shape: {error}")))?
            .unwrap_or_default();
        Ok(InstantiatedApp {
            application_object_id,
            app_id,
            service_principal_id,
            display_name: text("application", "displayName")
                .unwrap_or_else(|| display_name.to_owned()),
            app_roles,
        })
    }

    /// Polls `GET /servicePrincipals/{sp_id}` and `GET /applications/{app_object_id}` (both at
    /// once) until both answer 200 in [`RetryPolicy::replication_consecutive_oks`] successive
    /// rounds, every [`RetryPolicy::replication_poll_interval`]. 404 and 403 mean "not yet".
    /// Gives up after `within` with [`GraphError::ReplicationTimeout`] (or the last 403, which
    /// then is a real permission problem).
    ///
    /// [`RetryPolicy::replication_consecutive_oks`]: super::RetryPolicy::replication_consecutive_oks
    /// [`RetryPolicy::replication_poll_interval`]: super::RetryPolicy::replication_poll_interval
    pub async fn wait_until_replicated(
        &self,
        app_object_id: &str,
        sp_id: &str,
        within: Duration,
    ) -> Result<Replication, GraphError> {
        let plain = self.with_retry_window(super::RetryWindow::None);
        let started = Instant::now();
        let needed = self.policy.replication_consecutive_oks.max(1);
        let mut consecutive = 0;
        let mut polls = 0;
        let mut last_forbidden = None;
        loop {
            polls += 1;
            let (sp, app) = tokio::join!(
                plain.get_service_principal(sp_id),
                plain.get_application(app_object_id)
            );
            let mut both_ok = true;
            for result in [sp.map(|_| ()), app.map(|_| ())] {
                match result {
                    Ok(()) => {}
                    Err(GraphError::NotFound { .. }) => both_ok = false,
                    Err(error @ GraphError::Forbidden { .. }) => {
                        both_ok = false;
                        last_forbidden = Some(error);
                    }
                    Err(other) => return Err(other),
                }
            }
            if both_ok {
                consecutive += 1;
                if consecutive >= needed {
                    return Ok(Replication {
                        polls,
                        waited: started.elapsed(),
                    });
                }
            } else {
                consecutive = 0;
            }
            let interval = self.policy.replication_poll_interval;
            if started.elapsed() + interval > within {
                return Err(last_forbidden.unwrap_or(GraphError::ReplicationTimeout {
                    waited: started.elapsed(),
                }));
            }
            tokio::time::sleep(interval).await;
        }
    }

    /// `GET /applications/{app_object_id}`.
    pub async fn get_application(
        &self,
        app_object_id: &str,
    ) -> Result<ApplicationSummary, GraphError> {
        self.call_json(Request::get(
            self.url(&["applications", app_object_id], &[]),
        ))
        .await
    }

    /// `GET /servicePrincipals/{sp_id}` (with its `appRoles`).
    pub async fn get_service_principal(
        &self,
        sp_id: &str,
    ) -> Result<ServicePrincipalSummary, GraphError> {
        self.call_json(Request::get(self.url(&["servicePrincipals", sp_id], &[])))
            .await
    }

    /// `GET /applications?$filter=displayName eq '…'` (exact match; quotes escaped). For the
    /// recovery path: look before instantiating again.
    pub async fn find_applications_by_display_name(
        &self,
        display_name: &str,
    ) -> Result<Vec<ApplicationSummary>, GraphError> {
        let filter = format!("displayName eq {}", odata_string(display_name));
        let url = self.url(&["applications"], &[("$filter", filter)]);
        self.get_all(url).await
    }

    /// `GET /servicePrincipals?$filter=appId eq '…'`: the enterprise app of an application.
    pub async fn find_service_principal_by_app_id(
        &self,
        app_id: &str,
    ) -> Result<Option<ServicePrincipalSummary>, GraphError> {
        let filter = format!("appId eq {}", odata_string(app_id));
        let url = self.url(&["servicePrincipals"], &[("$filter", filter)]);
        let mut found: Vec<ServicePrincipalSummary> = self.get_all(url).await?;
        Ok(if found.is_empty() {
            None
        } else {
            Some(found.swap_remove(0))
        })
    }

    /// `DELETE /applications/{app_object_id}` → 204 (the app goes to deleted items for 30 days
    /// and its service principal and job with it). `Ok(false)` when it was already gone.
    pub async fn delete_application(&self, app_object_id: &str) -> Result<bool, GraphError> {
        let url = self.url(&["applications", app_object_id], &[]);
        match self.send(Request::new(reqwest::Method::DELETE, url)).await {
            Ok(_) => Ok(true),
            Err(GraphError::NotFound { .. }) => Ok(false),
            Err(other) => Err(other),
        }
    }
}
