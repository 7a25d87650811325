//! Synchronization: jobs, credentials, secrets, schema, provision on demand
//! (docs/services.md).

use reqwest::Method;
use secrecy::ExposeSecret;
use serde_json::{Value, json};

use super::types::{OnDemandResult, ParsedExpression, Secrets, SyncJob};
use super::{GraphClient, GraphError, Request, unexpected};

/// The sync template of a custom (non-gallery) SCIM app (docs/services.md).
pub const SCIM_TEMPLATE_ID: &str = "scim";

/// What MS-SCIM and the portal's "Restart provisioning" reset (docs/services.md).
pub const RESTART_RESET_SCOPE: &str = "Watermark, Escrows, QuarantineState";

fn parse_job(value: Value) -> Result<SyncJob, GraphError> {
    let mut job: SyncJob = serde_json::from_value(value.clone())
        .map_err(|error| unexpected(&format!("a synchronization job of another shape: {error}")))?;
    job.raw = value;
    Ok(job)
}

impl GraphClient {
    fn sync_url(&self, sp: &str, rest: &[&str]) -> url::Url {
        let mut segments = vec!["servicePrincipals", sp, "synchronization"];
        segments.extend_from_slice(rest);
        self.url(&segments, &[])
    }

    /// `GET /servicePrincipals/{sp}/synchronization/jobs`.
    pub async fn list_jobs(&self, sp: &str) -> Result<Vec<SyncJob>, GraphError> {
        let values: Vec<Value> = self.get_all(self.sync_url(sp, &["jobs"])).await?;
        values.into_iter().map(parse_job).collect()
    }

    /// `POST /servicePrincipals/{sp}/synchronization/jobs {"templateId":"scim"}` → 201.
    /// A lost answer gives [`GraphError::OutcomeUnknown`]: prefer [`GraphClient::ensure_scim_job`].
    pub async fn create_scim_job(&self, sp: &str) -> Result<SyncJob, GraphError> {
        let request = Request::post(
            self.sync_url(sp, &["jobs"]),
            Some(json!({ "templateId": SCIM_TEMPLATE_ID })),
        )
        .creates("create the provisioning job");
        parse_job(self.call_json(request).await?)
    }

    /// Reuses the SP's job whose `templateId` is `scim`, else creates it. `bool` = created now.
    /// If the create's answer is lost, lists again and returns the job if it appeared.
    pub async fn ensure_scim_job(&self, sp: &str) -> Result<(SyncJob, bool), GraphError> {
        if let Some(job) = self.find_scim_job(sp).await? {
            return Ok((job, false));
        }
        match self.create_scim_job(sp).await {
            Ok(job) => Ok((job, true)),
            Err(error @ (GraphError::OutcomeUnknown { .. } | GraphError::Unavailable { .. })) => {
                match self.find_scim_job(sp).await? {
                    Some(job) => Ok((job, true)),
                    None => Err(error),
                }
            }
            Err(other) => Err(other),
        }
    }

    /// The service principal's `scim` job, if it has one.
    pub async fn find_scim_job(&self, sp: &str) -> Result<Option<SyncJob>, GraphError> {
        Ok(self.list_jobs(sp).await?.into_iter().find(|job| {
            job.template_id
                .as_deref()
                .is_some_and(|template| template.eq_ignore_ascii_case(SCIM_TEMPLATE_ID))
        }))
    }

    /// `GET /servicePrincipals/{sp}/synchronization/jobs/{job}`: schedule and typed status.
    pub async fn get_job(&self, sp: &str, job: &str) -> Result<SyncJob, GraphError> {
        parse_job(
            self.call_json(Request::get(self.sync_url(sp, &["jobs", job])))
                .await?,
        )
    }

    /// `POST …/jobs/{job}/start` (no body) → 204. Also clears quarantine; don't call it while the
    /// job runs.
    pub async fn start_job(&self, sp: &str, job: &str) -> Result<(), GraphError> {
        self.send(Request::post(self.sync_url(sp, &["jobs", job, "start"]), None).safe())
            .await
            .map(drop)
    }

    /// `POST …/jobs/{job}/pause` → 204.
    pub async fn pause_job(&self, sp: &str, job: &str) -> Result<(), GraphError> {
        self.send(Request::post(self.sync_url(sp, &["jobs", job, "pause"]), None).safe())
            .await
            .map(drop)
    }

    /// `POST …/jobs/{job}/restart {"criteria":{"resetScope":…}}` → 204. `reset_scope` is a
    /// comma-separated list (e.g. [`RESTART_RESET_SCOPE`], or `"Full"` after fixing credentials).
    pub async fn restart_job(
        &self,
        sp: &str,
        job: &str,
        reset_scope: &str,
    ) -> Result<(), GraphError> {
        let body = json!({ "criteria": { "resetScope": reset_scope } });
        self.send(Request::post(self.sync_url(sp, &["jobs", job, "restart"]), Some(body)).safe())
            .await
            .map(drop)
    }

    /// `DELETE …/jobs/{job}` → 204 (provisioned accounts stay). `Ok(false)` if already gone.
    pub async fn delete_job(&self, sp: &str, job: &str) -> Result<bool, GraphError> {
        match self
            .send(Request::new(
                Method::DELETE,
                self.sync_url(sp, &["jobs", job]),
            ))
            .await
        {
            Ok(_) => Ok(true),
            Err(GraphError::NotFound { .. }) => Ok(false),
            Err(other) => Err(other),
        }
    }

    /// Test connection before anything is saved: collection-level
    /// `POST …/jobs/validateCredentials {"templateId","useSavedCredentials":false,"credentials":[BaseAddress,SecretToken]}`
    /// → 204. A refusal by Scaleway is [`GraphError::CredentialsRejected`] with Scaleway's message.
    pub async fn validate_credentials_unsaved(
        &self,
        sp: &str,
        template_id: &str,
        base_address: &str,
        secret_token: &secrecy::SecretString,
    ) -> Result<(), GraphError> {
        let token = secret_token.expose_secret();
        let body = json!({
            "templateId": template_id,
            "useSavedCredentials": false,
            "credentials": [
                { "key": "BaseAddress", "value": base_address },
                { "key": "SecretToken", "value": token },
            ],
        });
        let request = Request::post(
            self.sync_url(sp, &["jobs", "validateCredentials"]),
            Some(body),
        )
        .safe()
        .secret(token);
        self.send(request).await.map(drop)
    }

    /// Test connection with what is saved: job-level
    /// `POST …/jobs/{job}/validateCredentials {"useSavedCredentials":true}` → 204.
    pub async fn validate_credentials_saved(&self, sp: &str, job: &str) -> Result<(), GraphError> {
        let body = json!({ "useSavedCredentials": true });
        let request = Request::post(
            self.sync_url(sp, &["jobs", job, "validateCredentials"]),
            Some(body),
        )
        .safe();
        self.send(request).await.map(drop)
    }

    /// `PUT /servicePrincipals/{sp}/synchronization/secrets {"value":[…]}` → 204, always the
    /// complete set: `BaseAddress`, `SecretToken`, `SyncNotificationSettings` (JSON in a string),
    /// `SyncAll` (`"true"`/`"false"`). See docs/services.md, "Graph: the job's secrets".
    pub async fn put_secrets(&self, sp: &str, secrets: &Secrets) -> Result<(), GraphError> {
        let token = secrets.secret_token.expose_secret();
        let body = json!({ "value": secrets_body(secrets) });
        let request = Request::new(Method::PUT, self.sync_url(sp, &["secrets"])).secret(token);
        let request = Request {
            body: Some(body),
            ..request
        };
        self.send(request).await.map(drop)
    }

    /// `GET …/jobs/{job}/schema`: the whole `synchronizationSchema`, untouched, so a PUT of an
    /// edited copy loses nothing.
    pub async fn get_schema(&self, sp: &str, job: &str) -> Result<Value, GraphError> {
        let schema: Value = self
            .call_json(Request::get(self.sync_url(sp, &["jobs", job, "schema"])))
            .await?;
        if !schema.is_object() {
            return Err(unexpected("a schema that is not a JSON object"));
        }
        Ok(schema)
    }

    /// `PUT …/jobs/{job}/schema` with the WHOLE document → 204. (There is no PATCH: the SDKs that
    /// send one get a 404, docs/services.md.) Changing mappings restarts provisioning.
    pub async fn put_schema(&self, sp: &str, job: &str, schema: &Value) -> Result<(), GraphError> {
        if !schema.is_object() {
            return Err(GraphError::UnexpectedResponse {
                status: None,
                message: "refusing to PUT a schema that is not a JSON object".to_owned(),
                detail: None,
            });
        }
        // `@odata.context` is metadata of the GET answer, not part of the schema.
        let mut body = schema.clone();
        if let Some(object) = body.as_object_mut() {
            object.retain(|key, _| !key.starts_with("@odata."));
        }
        let request = Request::new(Method::PUT, self.sync_url(sp, &["jobs", job, "schema"]));
        let request = Request {
            body: Some(body),
            ..request
        };
        self.send(request).await.map(drop)
    }

    /// `POST …/jobs/{job}/schema/parseExpression`: the `parsedExpression`
    /// (an `attributeMappingSource`) of `expression`. `parsingSucceeded: false` gives
    /// [`GraphError::ExpressionInvalid`].
    pub async fn parse_expression(
        &self,
        sp: &str,
        job: &str,
        expression: &str,
        target_attribute: Option<&Value>,
    ) -> Result<Value, GraphError> {
        self.parse_expression_with_test(sp, job, expression, target_attribute, &[])
            .await
            .map(|parsed| parsed.source)
    }

    /// Like [`GraphClient::parse_expression`], with a test input object (`[(attribute, value)]`)
    /// so Graph also evaluates it (`evaluationResult`, e.g. `["jane.doe"]`).
    pub async fn parse_expression_with_test(
        &self,
        sp: &str,
        job: &str,
        expression: &str,
        target_attribute: Option<&Value>,
        test_input: &[(&str, &str)],
    ) -> Result<ParsedExpression, GraphError> {
        let test_input_object = if test_input.is_empty() {
            Value::Null
        } else {
            json!({
                "definition": null,
                "properties": test_input
                    .iter()
                    .map(|(key, value)| json!({ "key": key, "value": value }))
                    .collect::<Vec<_>>(),
            })
        };
        let body = json!({
            "expression": expression,
            "targetAttributeDefinition": target_attribute.cloned().unwrap_or(Value::Null),
            "testInputObject": test_input_object,
        });
        let request = Request::post(
            self.sync_url(sp, &["jobs", job, "schema", "parseExpression"]),
            Some(body),
        )
        .safe();
        let raw: Value = self.call_json(request).await?;
        if raw.get("parsingSucceeded").and_then(Value::as_bool) != Some(true) {
            let message = raw
                .get("error")
                .map(|error| match error {
                    Value::String(text) => text.clone(),
                    Value::Object(_) => error
                        .get("message")
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                        .unwrap_or_else(|| error.to_string()),
                    other => other.to_string(),
                })
                .unwrap_or_else(|| "parsingSucceeded is not true".to_owned());
            return Err(GraphError::ExpressionInvalid { message });
        }
        let source = raw
            .get("parsedExpression")
            .filter(|value| value.is_object())
            .cloned()
            .ok_or_else(|| unexpected("a parsed expression without parsedExpression"))?;
        Ok(ParsedExpression {
            source,
            evaluation_succeeded: raw.get("evaluationSucceeded").and_then(Value::as_bool),
            evaluation_result: raw.get("evaluationResult").and_then(|values| {
                values.as_array().map(|values| {
                    values
                        .iter()
                        .filter_map(|value| value.as_str().map(str::to_owned))
                        .collect()
                })
            }),
            raw,
        })
    }

    /// `POST …/jobs/{job}/provisionOnDemand` for one user, with the rule id from the schema
    /// ([`crate::schema::user_rule_id`]). Waits on the client-side limiter first (Graph allows
    /// 5 calls per 10 s). The user must be assigned (`SyncAll=false`).
    pub async fn provision_on_demand(
        &self,
        sp: &str,
        job: &str,
        rule_id: &str,
        user_object_id: &str,
    ) -> Result<OnDemandResult, GraphError> {
        self.shared.on_demand_limiter.acquire().await;
        let body = json!({
            "parameters": [{
                "ruleId": rule_id,
                "subjects": [{ "objectId": user_object_id, "objectTypeName": "User" }],
            }],
        });
        let request = Request::post(
            self.sync_url(sp, &["jobs", job, "provisionOnDemand"]),
            Some(body),
        )
        .safe();
        let raw: Value = self.call_json(request).await?;
        Ok(parse_on_demand(&raw))
    }

    /// Provision on demand for a group, with the members to provision with it (Graph refuses a
    /// group without them: docs/services.md). Members are user object ids.
    pub async fn provision_group_on_demand(
        &self,
        sp: &str,
        job: &str,
        rule_id: &str,
        group_object_id: &str,
        member_ids: &[String],
    ) -> Result<OnDemandResult, GraphError> {
        self.shared.on_demand_limiter.acquire().await;
        let members: Vec<Value> = member_ids
            .iter()
            .map(|id| json!({ "objectId": id, "objectTypeName": "User" }))
            .collect();
        let body = json!({
            "parameters": [{
                "ruleId": rule_id,
                "subjects": [{
                    "objectId": group_object_id,
                    "objectTypeName": "Group",
                    "links": { "members": members },
                }],
            }],
        });
        let request = Request::post(
            self.sync_url(sp, &["jobs", job, "provisionOnDemand"]),
            Some(body),
        )
        .safe();
        let raw: Value = self.call_json(request).await?;
        Ok(parse_on_demand(&raw))
    }
}

/// The body of the secrets PUT (without the `value` wrapper).
pub(crate) fn secrets_body(secrets: &Secrets) -> Value {
    // Written by hand to keep the documented key order (`Enabled` first, docs/services.md);
    // `Recipients` is the portal's notification email field (unverified: in no primary source).
    let notifications = match &secrets.notification_email {
        Some(email) if !email.trim().is_empty() => format!(
            "{{\"Enabled\":true,\"Recipients\":{},\"DeleteThresholdEnabled\":false}}",
            Value::String(email.trim().to_owned())
        ),
        _ => "{\"Enabled\":false,\"DeleteThresholdEnabled\":false}".to_owned(),
    };
    json!([
        { "key": "BaseAddress", "value": secrets.base_address },
        { "key": "SecretToken", "value": secrets.secret_token.expose_secret() },
        { "key": "SyncNotificationSettings", "value": notifications },
        { "key": "SyncAll", "value": if secrets.sync_all { "true" } else { "false" } },
    ])
}

/// Parses the `stringKeyStringValuePair` answer: both halves are JSON inside strings.
pub(crate) fn parse_on_demand(raw: &Value) -> OnDemandResult {
    let half = |name: &str| match raw.get(name) {
        Some(Value::String(text)) => {
            serde_json::from_str(text).unwrap_or(Value::String(text.clone()))
        }
        Some(other) => other.clone(),
        None => Value::Null,
    };
    let key = half("key");
    let value = half("value");
    let details = key.get("details");
    let text = |source: Option<&Value>, name: &str| {
        source
            .and_then(|value| value.get(name))
            .and_then(|value| match value {
                Value::String(text) => Some(text.clone()),
                Value::Null => None,
                other => Some(other.to_string()),
            })
    };
    OnDemandResult {
        result: text(Some(&key), "result").unwrap_or_else(|| "Unknown".to_owned()),
        error_code: text(details, "errorCode"),
        error_message: text(details, "errorMessage"),
        key,
        value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::SecretString;

    #[test]
    fn secrets_body_is_complete_and_stringly_typed() {
        let secrets = Secrets {
            base_address: "https://scim.example/v2".into(),
            secret_token: SecretString::from("tok"),
            sync_all: false,
            notification_email: None,
        };
        let body = secrets_body(&secrets);
        assert_eq!(
            body,
            json!([
                {"key": "BaseAddress", "value": "https://scim.example/v2"},
                {"key": "SecretToken", "value": "tok"},
                {"key": "SyncNotificationSettings", "value": "{\"Enabled\":false,\"DeleteThresholdEnabled\":false}"},
                {"key": "SyncAll", "value": "false"},
            ])
        );
        let with_email = Secrets {
            notification_email: Some("ops@contoso.example".into()),
            sync_all: true,
            ..secrets
        };
        let body = secrets_body(&with_email);
        let settings: Value = serde_json::from_str(body[2]["value"].as_str().unwrap()).unwrap();
        assert_eq!(settings["Enabled"], json!(true));
        assert_eq!(settings["Recipients"], json!("ops@contoso.example"));
        assert_eq!(body[3]["value"], json!("true"));
        assert!(!format!("{with_email:?}").contains("tok\""));
    }

    #[test]
    fn on_demand_halves_are_parsed() {
        let raw = json!({
            "key": "{\"result\":\"Failure\",\"details\":{\"errorCode\":\"SystemForCrossDomainIdentityManagementBadRequest\",\"errorMessage\":\"unsupported path\"}}",
            "value": "{\"provisioningSteps\":[{\"name\":\"EntryExportAdd\"}]}"
        });
        let result = parse_on_demand(&raw);
        assert_eq!(result.result, "Failure");
        assert!(!result.succeeded());
        assert_eq!(
            result.error_code.as_deref(),
            Some("SystemForCrossDomainIdentityManagementBadRequest")
        );
        assert_eq!(result.error_message.as_deref(), Some("unsupported path"));
        assert_eq!(
            result.value["provisioningSteps"][0]["name"],
            "EntryExportAdd"
        );
        let ok = parse_on_demand(
            &json!({"key": "{\"result\":\"Success\",\"details\":{}}", "value": "not json"}),
        );
        assert!(ok.succeeded());
        assert_eq!(ok.value, json!("not json"));
        assert_eq!(parse_on_demand(&json!({})).result, "Unknown");
    }
}
