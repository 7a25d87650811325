//! `SetupEngine::plan`: observe + decide for every step, in the guide's order, writing nothing.
//! Each step's decision and its plan item are in the step's module.

use super::{
    app, assignments, connection, job, mappings, proof, scaleway as scaleway_steps, start,
};
use crate::engine::SetupEngine;
use crate::failure::SetupError;
use crate::progress::CancellationToken;
use crate::report::{PlanAction, SetupPlan};

impl SetupEngine {
    /// What `apply_all` would change: observe + decide for every step, writing nothing.
    pub async fn plan(&self) -> Result<SetupPlan, SetupError> {
        let r = self.reporter(&CancellationToken::new());
        let ctx = self.ctx(&r);
        // One read serves the whole plan: the plan writes nothing, and one setup runs at a time,
        // so nothing else writes the journal meanwhile.
        let loaded = self.journal.load()?;
        let record = loaded
            .as_ref()
            .and_then(|journal| journal.entra.clone())
            .unwrap_or_default();
        let given = self.scaleway.given_token(loaded.as_ref()).await?;
        let (preflight, scaleway_items, principals) = tokio::join!(
            self.entra.require_preflight(),
            scaleway_steps::plan(&self.scaleway, loaded.as_ref(), given.as_ref()),
            ctx.resolve_principals(&self.options.principals),
        );
        preflight?;
        let principals = principals?;
        let mut items = scaleway_items?;

        // Entra: the app, then what hangs off it.
        let app = match app::decide(ctx.observe_app(None, false).await?) {
            app::AppDecision::Reuse(app) => Some(app),
            app::AppDecision::Adopt { app, .. } => ctx.peek_found(&app).await?,
            app::AppDecision::Create => None,
        };
        items.push(app::plan(app.is_some(), &self.app_name));
        let mut mapping_changes = Vec::new();
        match &app {
            None => {
                items.push(job::plan(&job::JobDecision::Create));
                items.push(connection::plan(false));
                items.push(mappings::plan_later());
                items.extend(assignments::plan(&principals, &[]));
                items.push(start::plan(None));
            }
            Some(app) => {
                let observed = ctx.observe_job(app, false).await?;
                let running = observed.job().map(start::is_running);
                let decision = job::decide(observed);
                items.push(job::plan(&decision));
                items.push(connection::plan(record.secrets_saved.is_some()));
                match decision {
                    job::JobDecision::Reuse(job) => {
                        let draft = ctx
                            .draft_mappings(app, &job, &self.mapping().await?)
                            .await?;
                        mapping_changes = draft.changes();
                        items.push(draft.plan());
                        items.push(start::plan(running));
                    }
                    job::JobDecision::Create => {
                        items.push(mappings::plan_later());
                        items.push(start::plan(None));
                    }
                }
                if !principals.is_empty() {
                    let existing = ctx
                        .graph()
                        .list_assignments(&app.record.service_principal_id)
                        .await?;
                    items.extend(assignments::plan(&principals, &existing));
                }
            }
        }
        if self.options.prove {
            items.push(proof::plan());
        }
        let up_to_date = items
            .iter()
            .all(|i| matches!(i.action, PlanAction::Nothing | PlanAction::Reuse));
        Ok(SetupPlan {
            items,
            mapping_changes,
            up_to_date,
        })
    }
}
