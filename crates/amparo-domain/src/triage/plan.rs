//! Escalation planning: given a case's timeline and the escalations it already has, which to open
//! (with their checklists) and which open ones the timeline has resolved. Pure: the caller reads the
//! existing escalations and writes the plan.

use crate::triage::{EscalationTemplates, PlannedTask, Trigger, open_triggers, trigger_resolved};
use crate::{CaseFile, Date, Policy, RuleSet};

/// The reason written on an escalation closed because the timeline resolved its trigger.
pub const RESOLVED_BY_TIMELINE: &str = "resolved by the timeline";

/// An escalation a case already has, as far as planning needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KnownEscalation {
    pub id: String,
    /// What opened it; `None` when it can no longer be read (a trigger kind since retired), which
    /// neither blocks a new escalation nor is ever closed by the timeline.
    pub trigger: Option<Trigger>,
    pub open: bool,
}

/// What the protocol asks for on a case now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EscalationPlan {
    /// Triggers that have no escalation yet, each with the checklist it starts.
    pub open: Vec<(Trigger, Vec<PlannedTask>)>,
    /// Open escalations (id, reason) whose trigger the timeline has resolved.
    pub close: Vec<(String, String)>,
}

/// Everything a plan is made under, besides the case and its escalations.
#[derive(Clone, Copy)]
pub struct PlanContext<'a> {
    pub today: Date,
    pub policy: &'a Policy,
    pub rules: &'a RuleSet,
    pub templates: &'a EscalationTemplates,
}

/// Compares the triggers open on the case with the escalations it has. A trigger opens an escalation
/// once: one closed by completing its checklist is not opened again for the same event.
pub fn plan_escalations(
    file: &CaseFile,
    context: PlanContext<'_>,
    known: &[KnownEscalation],
) -> EscalationPlan {
    let triggers: Vec<&Trigger> = known.iter().filter_map(|k| k.trigger.as_ref()).collect();
    let open = open_triggers(file, context.today, context.policy, context.rules)
        .into_iter()
        .filter(|t| !triggers.iter().any(|k| k.same_as(t)))
        .map(|t| {
            let plan = context.templates.plan_for(&t);
            (t, plan)
        })
        .collect();
    let close = known
        .iter()
        .filter(|k| k.open)
        .filter_map(|k| {
            let trigger = k.trigger.as_ref()?;
            trigger_resolved(trigger, file, context.today)
                .then(|| (k.id.clone(), RESOLVED_BY_TIMELINE.to_owned()))
        })
        .collect();
    EscalationPlan { open, close }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use serde_json::{Value, json};

    fn d(text: &str) -> Date {
        text.parse().unwrap()
    }

    /// A critical-care case (three days to harm) with `events`.
    fn case(events: Value) -> CaseFile {
        let doc = json!({ "format": "amparo.case/1", "case": {
            "reference": "T-PLAN", "program": "humanitarian",
            "people": [
                { "key": "p1", "role": "patient", "given_name": "Lucía", "family_name": "Ejemplo", "birth_date": "2022-01-09" }
            ],
            "medical": { "person": "p1", "condition": "intestinal failure", "days_to_critical_harm": 3,
                         "attested_on": "2026-01-15" }
        }, "events": events });
        CaseFile::parse(&doc.to_string()).unwrap_or_else(|e| panic!("test file refused: {e}")).0
    }

    fn grant() -> Value {
        json!({ "id": "g1", "type": "parole_granted", "on": "2025-06-01", "valid_until": "2026-11-30" })
    }

    fn notice() -> Value {
        json!({ "id": "t1", "type": "termination_notice", "on": "2026-02-27", "served_by": "mail",
                "effective": "2026-03-13", "depart_by": "2026-03-13" })
    }

    fn plan(file: &CaseFile, known: &[KnownEscalation]) -> EscalationPlan {
        let context = PlanContext {
            today: d("2026-03-01"),
            policy: &Policy::default(),
            rules: RuleSet::builtin().unwrap(),
            templates: EscalationTemplates::builtin().unwrap(),
        };
        plan_escalations(file, context, known)
    }

    #[test]
    fn a_new_trigger_opens_an_escalation_with_its_checklist() {
        let plan = plan(&case(json!([grant(), notice()])), &[]);
        assert_eq!(plan.open.len(), 1);
        let (trigger, tasks) = &plan.open[0];
        assert_eq!(trigger.kind.as_str(), "termination_notice");
        assert!(!tasks.is_empty(), "a termination notice starts a checklist");
        assert!(plan.close.is_empty());
    }

    #[test]
    fn a_trigger_with_an_escalation_already_is_not_opened_again_even_when_closed() {
        let file = case(json!([grant(), notice()]));
        let (trigger, _) = plan(&file, &[]).open.remove(0);
        let known = KnownEscalation { id: "e1".into(), trigger: Some(trigger), open: false };
        let again = plan(&file, &[known]);
        assert!(again.open.is_empty());
        assert!(again.close.is_empty(), "a closed escalation is not closed again");
    }

    #[test]
    fn an_open_escalation_whose_trigger_is_resolved_is_closed() {
        let (trigger, _) = plan(&case(json!([grant(), notice()])), &[]).open.remove(0);
        let known = KnownEscalation { id: "e1".into(), trigger: Some(trigger), open: true };
        // A new grant after the notice resolves it.
        let regranted =
            json!({ "id": "g2", "type": "parole_granted", "on": "2026-02-28", "valid_until": "2027-02-28" });
        let plan = plan(&case(json!([grant(), notice(), regranted])), &[known]);
        assert!(plan.open.is_empty());
        assert_eq!(plan.close, vec![("e1".to_owned(), RESOLVED_BY_TIMELINE.to_owned())]);
    }

    #[test]
    fn an_unreadable_escalation_neither_blocks_nor_closes() {
        let file = case(json!([grant(), notice()]));
        let known = KnownEscalation { id: "e0".into(), trigger: None, open: true };
        let plan = plan(&file, &[known]);
        assert_eq!(plan.open.len(), 1);
        assert!(plan.close.is_empty());
    }
}
