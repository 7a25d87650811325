//! The job's synchronization schema: GET and PUT (validated), PATCH (→ 404 like the real
//! service), parseExpression, and the function list.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};

use super::{Schedule, missing_parameter, sync_guard};
use crate::App;
use crate::graph::expressions::{self, Val};
use crate::graph::provisioning;
use crate::graph::respond::{GraphError, GraphResult, json_body, no_content, ok, with_context};
use crate::graph::schema;

pub(crate) async fn get_schema(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path((sp_id, job_id)): Path<(String, String)>,
) -> GraphResult {
    sync_guard(&app, &headers, &sp_id, false)?;
    let mut graph = app.graph();
    let schema = graph.job_mut(&sp_id, &job_id)?.schema.clone();
    ok(with_context(
        &app,
        &format!("servicePrincipals('{sp_id}')/synchronization/jobs('{job_id}')/schema/$entity"),
        schema,
    ))
}

pub(crate) async fn put_schema(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path((sp_id, job_id)): Path<(String, String)>,
    body: Bytes,
) -> GraphResult {
    sync_guard(&app, &headers, &sp_id, true)?;
    let body = json_body(&body)?;
    let schema = schema::validate_put(body)?;
    let restart = {
        let mut graph = app.graph();
        let job = graph.job_mut(&sp_id, &job_id)?;
        job.schema = schema;
        // Changing mappings restarts provisioning with a full cycle.
        job.exported.clear();
        if job.schedule == Schedule::Active {
            job.generation += 1;
            Some(job.generation)
        } else {
            None
        }
    };
    if let Some(generation) = restart {
        provisioning::schedule_cycle(&app, job_id, generation);
    }
    no_content()
}

/// There is no PATCH on the schema: the sync service answers 404.
pub(crate) async fn patch_schema(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path((sp_id, job_id)): Path<(String, String)>,
) -> GraphResult {
    sync_guard(&app, &headers, &sp_id, true)?;
    let inner = json!({"Message": format!(
        "No HTTP resource was found that matches the request URI 'https://syncfabric.windowsazure.com/api/servicePrincipals('{sp_id}')/synchronization/jobs('{job_id}')/schema?api-version=2.0'."
    )});
    Err(GraphError::new(
        StatusCode::NOT_FOUND,
        "UnknownError",
        inner.to_string(),
    ))
}

fn public_error(code: &str, message: &str) -> Value {
    json!({"code": code, "message": message, "details": [], "innerError": null, "target": null})
}

pub(crate) async fn parse_expression(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path((sp_id, job_id)): Path<(String, String)>,
    body: Bytes,
) -> GraphResult {
    sync_guard(&app, &headers, &sp_id, true)?;
    app.graph().job_mut(&sp_id, &job_id)?;
    let body = json_body(&body)?;
    let expression = body
        .get("expression")
        .and_then(Value::as_str)
        .ok_or_else(|| missing_parameter("expression"))?;
    let context = "microsoft.graph.parseExpressionResponse";
    let parsed = match expressions::parse(expression) {
        Ok(parsed) => parsed,
        Err(error) => {
            // UNVERIFIED: a syntax error is a 200 with parsingSucceeded false.
            return ok(with_context(
                &app,
                context,
                json!({"error": public_error("ExpressionParsingFailed", &error.message),
                       "evaluationResult": null, "evaluationSucceeded": false,
                       "parsedExpression": null, "parsingSucceeded": false}),
            ));
        }
    };
    let test_properties = body
        .get("testInputObject")
        .and_then(|object| object.get("properties"))
        .and_then(Value::as_array);
    let (error, result, succeeded) = match test_properties {
        None => (Value::Null, Value::Null, false),
        Some(properties) => {
            let lookup = |name: &str| {
                properties
                    .iter()
                    .find(|pair| {
                        pair.get("key")
                            .and_then(Value::as_str)
                            .is_some_and(|key| key.eq_ignore_ascii_case(name))
                    })
                    .and_then(|pair| pair.get("value"))
                    .map_or(Val::Null, |value| match value {
                        Value::String(text) => Val::One(text.clone()),
                        Value::Array(items) => Val::Many(
                            items
                                .iter()
                                .map(|item| {
                                    item.as_str()
                                        .map_or_else(|| item.to_string(), str::to_string)
                                })
                                .collect(),
                        ),
                        Value::Null => Val::Null,
                        other => Val::One(other.to_string()),
                    })
            };
            match expressions::evaluate(&parsed, &lookup) {
                Ok(value) => (Value::Null, json!(value.to_results()), true),
                Err(message) => (
                    public_error("ExpressionEvaluationFailed", &message),
                    Value::Null,
                    false,
                ),
            }
        }
    };
    ok(with_context(
        &app,
        context,
        json!({"error": error, "evaluationResult": result, "evaluationSucceeded": succeeded,
               "parsedExpression": expressions::to_source(&parsed), "parsingSucceeded": true}),
    ))
}

pub(crate) async fn list_functions(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path((sp_id, job_id)): Path<(String, String)>,
) -> GraphResult {
    sync_guard(&app, &headers, &sp_id, false)?;
    app.graph().job_mut(&sp_id, &job_id)?;
    ok(with_context(
        &app,
        "Collection(microsoft.graph.attributeMappingFunctionSchema)",
        json!({"value": expressions::function_schemas()}),
    ))
}
