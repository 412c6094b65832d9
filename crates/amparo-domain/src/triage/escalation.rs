//! Escalation templates as data: the default checklist each trigger kind starts, in a human-editable
//! TOML document (`rules/escalation-templates.toml`, compiled in; an organisation may load its own with
//! [`EscalationTemplates::from_toml`]).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::case::Language;
use crate::date::Date;
use crate::org::UserRole;
use crate::texts::Texts;
use crate::words::date_in_words;

use super::reason::TriggerReason;
use super::trigger::{Trigger, TriggerKind};

/// The templates Amparo ships, compiled into the binary.
pub const BUILTIN_ESCALATION_TOML: &str = include_str!("../../rules/escalation-templates.toml");

/// The most hours a task may be given (one year).
pub const MAX_DUE_HOURS: i64 = 8760;

/// One task of a template, as loaded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TaskTemplate {
    pub title_en: String,
    pub title_es: String,
    /// `attorney`, `advocate` or `clinician`.
    pub owner_role: UserRole,
    /// Hours from the escalation's start on a case that is not critical-care.
    pub due_hours: u32,
    /// Hours from the escalation's start on a critical-care case; at most `due_hours`.
    pub due_hours_critical: u32,
}

/// One task of an escalation about to start.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlannedTask {
    /// The title in each language the checklist was written in.
    pub title: Texts,
    pub owner_role: UserRole,
    /// Hours from the escalation's start.
    pub due_in_hours: u32,
}

/// A loaded, validated set of templates: one non-empty checklist per trigger kind. Stored (as an
/// organisation's own) in the shape of the TOML document, and checked again whenever it is read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawDocument", into = "RawDocument")]
pub struct EscalationTemplates {
    pub id: String,
    tasks: [Vec<TaskTemplate>; 4],
}

/// Why an escalation template document was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EscalationTemplateError {
    #[error("not a valid escalation template document: {0}")]
    Toml(String),
    #[error("`id` must name the templates, e.g. \"amparo-default/2026.1\"")]
    MissingId,
    #[error("unknown trigger kind {found:?} (this version of Amparo knows: {known})", known = known_kinds())]
    UnknownTrigger { found: String },
    #[error("template.{0} is missing; every trigger kind needs a checklist")]
    MissingTemplate(&'static str),
    #[error("template.{0} has no tasks; add at least one [[template.{0}.task]]")]
    NoTasks(&'static str),
    #[error("template.{trigger} task {task}: `{field}` must not be empty")]
    EmptyTitle { trigger: &'static str, task: usize, field: &'static str },
    #[error("template.{trigger} task {task}: owner must be attorney, advocate or clinician, found {found:?}")]
    BadOwner { trigger: &'static str, task: usize, found: String },
    #[error("template.{trigger} task {task}: `{field}` must be from 1 to {max} hours, found {found}", max = MAX_DUE_HOURS)]
    BadDueHours { trigger: &'static str, task: usize, field: &'static str, found: i64 },
    #[error(
        "template.{trigger} task {task}: due_hours_critical ({critical}) must not be more than due_hours ({normal}); a critical-care case is never given longer"
    )]
    CriticalSlower { trigger: &'static str, task: usize, critical: i64, normal: i64 },
    #[error(
        "template.{trigger} task {task}: `{field}` uses {{parole_end}}, which only a parole_expiring checklist can fill"
    )]
    ParoleEndOutOfPlace { trigger: &'static str, task: usize, field: &'static str },
}

fn known_kinds() -> String {
    TriggerKind::ALL.map(TriggerKind::as_str).join(", ")
}

#[derive(Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct RawDocument {
    id: String,
    template: BTreeMap<String, RawTemplate>,
}

#[derive(Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct RawTemplate {
    #[serde(default)]
    task: Vec<RawTask>,
}

/// One task as written, before it is checked.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawTask {
    pub title_en: String,
    pub title_es: String,
    pub owner: String,
    pub due_hours: i64,
    pub due_hours_critical: i64,
}

impl TryFrom<RawDocument> for EscalationTemplates {
    type Error = EscalationTemplateError;

    fn try_from(raw: RawDocument) -> Result<Self, Self::Error> {
        EscalationTemplates::from_raw(raw)
    }
}

impl From<EscalationTemplates> for RawDocument {
    fn from(templates: EscalationTemplates) -> Self {
        let template = TriggerKind::ALL
            .into_iter()
            .map(|kind| {
                let task = templates.tasks(kind).iter().map(RawTask::from).collect();
                (kind.as_str().to_owned(), RawTemplate { task })
            })
            .collect();
        RawDocument { id: templates.id, template }
    }
}

impl From<&TaskTemplate> for RawTask {
    fn from(task: &TaskTemplate) -> Self {
        RawTask {
            title_en: task.title_en.clone(),
            title_es: task.title_es.clone(),
            owner: task.owner_role.as_str().to_owned(),
            due_hours: i64::from(task.due_hours),
            due_hours_critical: i64::from(task.due_hours_critical),
        }
    }
}

fn hours(
    trigger: &'static str,
    task: usize,
    field: &'static str,
    found: i64,
) -> Result<u32, EscalationTemplateError> {
    if (1..=MAX_DUE_HOURS).contains(&found) {
        u32::try_from(found).map_err(|_| EscalationTemplateError::BadDueHours { trigger, task, field, found })
    } else {
        Err(EscalationTemplateError::BadDueHours { trigger, task, field, found })
    }
}

fn load_task(
    trigger: &'static str,
    task: usize,
    raw: RawTask,
) -> Result<TaskTemplate, EscalationTemplateError> {
    for (field, text) in [("title_en", &raw.title_en), ("title_es", &raw.title_es)] {
        if text.trim().is_empty() {
            return Err(EscalationTemplateError::EmptyTitle { trigger, task, field });
        }
        if text.contains(PAROLE_END) && trigger != TriggerKind::ParoleExpiring.as_str() {
            return Err(EscalationTemplateError::ParoleEndOutOfPlace { trigger, task, field });
        }
    }
    let owner_role = match UserRole::parse(&raw.owner) {
        Some(role @ (UserRole::Attorney | UserRole::Advocate | UserRole::Clinician)) => role,
        _ => return Err(EscalationTemplateError::BadOwner { trigger, task, found: raw.owner }),
    };
    let due_hours = hours(trigger, task, "due_hours", raw.due_hours)?;
    let due_hours_critical = hours(trigger, task, "due_hours_critical", raw.due_hours_critical)?;
    if due_hours_critical > due_hours {
        return Err(EscalationTemplateError::CriticalSlower {
            trigger,
            task,
            critical: raw.due_hours_critical,
            normal: raw.due_hours,
        });
    }
    Ok(TaskTemplate {
        title_en: raw.title_en,
        title_es: raw.title_es,
        owner_role,
        due_hours,
        due_hours_critical,
    })
}

impl EscalationTemplates {
    /// Loads and checks templates written in TOML (see `rules/escalation-templates.toml`).
    pub fn from_toml(text: &str) -> Result<EscalationTemplates, EscalationTemplateError> {
        let raw: RawDocument =
            toml::from_str(text).map_err(|e| EscalationTemplateError::Toml(e.to_string()))?;
        EscalationTemplates::from_raw(raw)
    }

    /// Checks checklists given kind by kind (a settings form, say) the way a document is checked.
    pub fn from_checklists(
        id: String,
        checklists: Vec<(TriggerKind, Vec<RawTask>)>,
    ) -> Result<EscalationTemplates, EscalationTemplateError> {
        let template = checklists
            .into_iter()
            .map(|(kind, task)| (kind.as_str().to_owned(), RawTemplate { task }))
            .collect();
        EscalationTemplates::from_raw(RawDocument { id, template })
    }

    fn from_raw(raw: RawDocument) -> Result<EscalationTemplates, EscalationTemplateError> {
        if raw.id.trim().is_empty() {
            return Err(EscalationTemplateError::MissingId);
        }
        if let Some(found) = raw.template.keys().find(|k| TriggerKind::parse(k).is_none()) {
            return Err(EscalationTemplateError::UnknownTrigger { found: found.clone() });
        }
        let mut templates = raw.template;
        let mut tasks: [Vec<TaskTemplate>; 4] = Default::default();
        for kind in TriggerKind::ALL {
            let name = kind.as_str();
            let template = templates.remove(name).ok_or(EscalationTemplateError::MissingTemplate(name))?;
            if template.task.is_empty() {
                return Err(EscalationTemplateError::NoTasks(name));
            }
            let loaded = template
                .task
                .into_iter()
                .enumerate()
                .map(|(i, t)| load_task(name, i + 1, t))
                .collect::<Result<Vec<_>, _>>()?;
            tasks[kind as usize] = loaded;
        }
        Ok(EscalationTemplates { id: raw.id, tasks })
    }

    /// The templates compiled into Amparo, loaded once. The test suite checks them, so an error here
    /// means a broken build rather than bad input.
    pub fn builtin() -> Result<&'static EscalationTemplates, EscalationTemplateError> {
        static BUILTIN: OnceLock<Result<EscalationTemplates, EscalationTemplateError>> = OnceLock::new();
        BUILTIN
            .get_or_init(|| EscalationTemplates::from_toml(BUILTIN_ESCALATION_TOML))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The checklist of one trigger kind, as written.
    pub fn tasks(&self, kind: TriggerKind) -> &[TaskTemplate] {
        &self.tasks[kind as usize]
    }

    /// The tasks an escalation of `kind` starts with, due in the critical-care hours when `critical`.
    /// For a [`Trigger`], [`plan_for`](Self::plan_for) reads both from it.
    pub fn plan(&self, kind: TriggerKind, critical: bool) -> Vec<PlannedTask> {
        self.tasks(kind)
            .iter()
            .map(|t| PlannedTask {
                title: Texts::en_es(t.title_en.clone(), t.title_es.clone()),
                owner_role: t.owner_role,
                due_in_hours: if critical { t.due_hours_critical } else { t.due_hours },
            })
            .collect()
    }

    /// The tasks `trigger` starts: its kind's checklist, due in the critical-care hours when the case
    /// was critical-care as the trigger was found.
    pub fn plan_for(&self, trigger: &Trigger) -> Vec<PlannedTask> {
        let mut planned = self.plan(trigger.kind, trigger.critical_care);
        if let TriggerReason::ParoleExpiring { end, as_of } = trigger.reason {
            for task in &mut planned {
                let filled = |language| {
                    task.title.get(language).replace(PAROLE_END, &parole_end(language, end, as_of))
                };
                task.title = Texts::en_es(filled(Language::En), filled(Language::Es));
            }
        }
        planned
    }
}

/// The placeholder a `parole_expiring` task title may carry, filled with when parole ends — or ended:
/// a checklist opened after the end must not read as if parole were about to end.
pub const PAROLE_END: &str = "{parole_end}";

/// "parole ended on March 13, 2026" once the day has passed, "parole ends on …" before; in Spanish
/// "el permiso humanitario (parole) venció el 13 de marzo de 2026" or "vence el …".
fn parole_end(language: Language, end: Date, today: Date) -> String {
    let day = date_in_words(language, end);
    match (language, end < today) {
        (Language::En, true) => format!("parole ended on {day}"),
        (Language::En, false) => format!("parole ends on {day}"),
        (Language::Es, true) => format!("el permiso humanitario (parole) venció el {day}"),
        (Language::Es, false) => format!("el permiso humanitario (parole) vence el {day}"),
    }
}
