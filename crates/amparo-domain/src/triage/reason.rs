//! What the triage said, kept as facts: a code and the few values its sentence prints, rendered in
//! the reader's language on read, like a deadline's *why*. [`Reason`] is one component of a triage
//! score; [`TriggerReason`] is why an escalation opened. Both serialise as small tagged JSON objects;
//! relative phrases ("in 12 days") count from the day the reason was found, which the caller keeps.

use serde::{Deserialize, Serialize};

use crate::case::Language;
use crate::date::Date;
use crate::texts::Texts;

use super::text::{days_en, days_es, fecha, when_en, when_es};

/// The facts behind one component of a triage score; the tag is the component's code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Reason {
    PatientCritical {
        days: i64,
        threshold: i64,
    },
    PatientFragile {
        days: i64,
    },
    CareUnavailableAbroad,
    ParoleTerminated {
        end: Date,
    },
    ParoleExpired {
        end: Date,
    },
    ParoleEndsSoon {
        end: Date,
        by_termination: bool,
        filed: bool,
    },
    TerminationNotice {
        notice_on: Date,
        end: Date,
        depart_by: Option<Date>,
    },
    RfeOpen {
        due: Date,
    },
    NoidOpen {
        due: Date,
    },
    MotionOpen {
        due: Date,
    },
    FeeOpen {
        due: Date,
    },
    CriticalCareExposure {
        percent: i64,
    },
    NoAttorney,
    AttestationStale {
        due: Date,
    },
    ReParoleOverdue {
        due: Date,
    },
    ReParoleDueSoon {
        due: Date,
    },
    NewRequestNotFiled {
        notice_on: Date,
    },
    /// On a critical-care case, an adult family member in the United States has had no federal
    /// Medicaid since `since` (their parole ended, or the 2026-10-01 narrowing took it).
    FamilyCoverageLost {
        since: Date,
    },
}

impl Reason {
    /// The component code (one of [`COMPONENT_CODES`](super::COMPONENT_CODES)).
    pub fn code(&self) -> &'static str {
        match self {
            Reason::PatientCritical { .. } => "patient_critical",
            Reason::PatientFragile { .. } => "patient_fragile",
            Reason::CareUnavailableAbroad => "care_unavailable_abroad",
            Reason::ParoleTerminated { .. } => "parole_terminated",
            Reason::ParoleExpired { .. } => "parole_expired",
            Reason::ParoleEndsSoon { .. } => "parole_ends_soon",
            Reason::TerminationNotice { .. } => "termination_notice",
            Reason::RfeOpen { .. } => "rfe_open",
            Reason::NoidOpen { .. } => "noid_open",
            Reason::MotionOpen { .. } => "motion_open",
            Reason::FeeOpen { .. } => "fee_open",
            Reason::CriticalCareExposure { .. } => "critical_care_exposure",
            Reason::NoAttorney => "no_attorney",
            Reason::AttestationStale { .. } => "attestation_stale",
            Reason::ReParoleOverdue { .. } => "re_parole_overdue",
            Reason::ReParoleDueSoon { .. } => "re_parole_due_soon",
            Reason::NewRequestNotFiled { .. } => "new_request_not_filed",
            Reason::FamilyCoverageLost { .. } => "family_coverage_lost",
        }
    }

    /// The sentence in `language`, relative phrases counted from `today` (the day it was scored).
    pub fn text(&self, language: Language, today: Date) -> String {
        match language {
            Language::En => self.english(today),
            Language::Es => self.spanish(today),
        }
    }

    fn english(&self, today: Date) -> String {
        let when = |date: Date| when_en(today, date);
        match *self {
            Reason::PatientCritical { days, threshold } => format!(
                "patient critical: {} to critical harm if care stops (critical-care threshold: {})",
                days_en(days),
                days_en(threshold)
            ),
            Reason::PatientFragile { days } => {
                format!("patient fragile: {} to critical harm if care stops", days_en(days))
            }
            Reason::CareUnavailableAbroad => {
                "the care the patient needs is not available in the country of origin".to_owned()
            }
            Reason::ParoleTerminated { end } => {
                format!("parole terminated by notice as of {end} ({})", when(end))
            }
            Reason::ParoleExpired { end } => format!("parole expired on {end} ({})", when(end)),
            Reason::ParoleEndsSoon { end, by_termination, filed } => {
                let by = if by_termination { " by termination notice" } else { "" };
                let filed = if filed { "re-parole filed" } else { "nothing filed" };
                // Scored on a later day, the end may have passed: never "ends" of a past day.
                let ends = if end < today { "ended" } else { "ends" };
                format!("parole {ends} {} ({end}){by}, {filed}", when(end))
            }
            Reason::TerminationNotice { notice_on, end, depart_by } => {
                let ends = if end < today { "ended" } else { "ends" };
                let mut text = format!("termination notice of {notice_on}: parole {ends} {end}");
                if let Some(depart_by) = depart_by {
                    text.push_str(&format!("; depart by {depart_by} ({})", when(depart_by)));
                }
                text
            }
            Reason::RfeOpen { due } => response_en("RFE response", due, today),
            Reason::NoidOpen { due } => response_en("NOID response", due, today),
            Reason::MotionOpen { due } => {
                response_en("parole denied: motion to reopen or reconsider", due, today)
            }
            Reason::FeeOpen { due } => response_en("fee payment", due, today),
            Reason::CriticalCareExposure { percent } => {
                format!("critical-care case: legal risks count {percent}% more")
            }
            Reason::NoAttorney => "no attorney assigned".to_owned(),
            Reason::AttestationStale { due } => {
                format!("medical attestation out of date: it was due for renewal by {due} ({})", when(due))
            }
            Reason::ReParoleOverdue { due } => {
                format!("re-parole not filed; the target date, {due}, has passed ({})", when(due))
            }
            Reason::ReParoleDueSoon { due } => {
                format!("re-parole not filed; the target date is {due} ({})", when(due))
            }
            Reason::NewRequestNotFiled { notice_on } => format!(
                "parole terminated; no new parole request filed since the termination notice of {notice_on}"
            ),
            Reason::FamilyCoverageLost { since } => format!(
                "an adult family member of this critical-care patient has had no federal Medicaid since {since} ({})",
                when(since)
            ),
        }
    }

    fn spanish(&self, today: Date) -> String {
        let when = |date: Date| when_es(today, date);
        match *self {
            Reason::PatientCritical { days, threshold } => format!(
                "paciente en estado crítico: {} hasta un daño grave si se interrumpe el tratamiento (umbral de cuidados críticos: {})",
                days_es(days),
                days_es(threshold)
            ),
            Reason::PatientFragile { days } => format!(
                "paciente en situación frágil: {} hasta un daño grave si se interrumpe el tratamiento",
                days_es(days)
            ),
            Reason::CareUnavailableAbroad => {
                "el tratamiento que necesita el paciente no está disponible en su país de origen".to_owned()
            }
            Reason::ParoleTerminated { end } => format!(
                "el permiso humanitario (parole) terminó el {end} por un aviso de terminación ({})",
                when(end),
                end = fecha(end)
            ),
            Reason::ParoleExpired { end } => {
                format!("el permiso humanitario (parole) venció el {end} ({})", when(end), end = fecha(end))
            }
            Reason::ParoleEndsSoon { end, by_termination, filed } => {
                let past = end < today;
                let (verb, by) = match (by_termination, past) {
                    (true, false) => ("termina", " por un aviso de terminación"),
                    (true, true) => ("terminó", " por un aviso de terminación"),
                    (false, false) => ("vence", ""),
                    (false, true) => ("venció", ""),
                };
                let (sep, filed) = if filed {
                    (";", "ya se presentó la solicitud de renovación (re-parole)")
                } else {
                    (" y", "no se ha presentado nada")
                };
                format!(
                    "el permiso humanitario (parole) {verb} {} ({end}){by}{sep} {filed}",
                    when(end),
                    end = fecha(end)
                )
            }
            Reason::TerminationNotice { notice_on, end, depart_by } => {
                let ends = if end < today { "terminó" } else { "termina" };
                let mut text = format!(
                    "aviso de terminación del {notice_on}: el permiso humanitario (parole) {ends} el {end}",
                    end = fecha(end),
                    notice_on = fecha(notice_on)
                );
                if let Some(depart_by) = depart_by {
                    text.push_str(&format!(
                        "; debe salir del país a más tardar el {depart_by} ({})",
                        when(depart_by),
                        depart_by = fecha(depart_by)
                    ));
                }
                text
            }
            Reason::RfeOpen { due } => {
                response_es("la respuesta a la solicitud de evidencia (RFE)", due, today)
            }
            Reason::NoidOpen { due } => {
                response_es("la respuesta al aviso de intención de denegar (NOID)", due, today)
            }
            Reason::MotionOpen { due } => response_es(
                "permiso humanitario (parole) denegado: la moción de reapertura o reconsideración",
                due,
                today,
            ),
            Reason::FeeOpen { due } => response_es("el pago de la tarifa", due, today),
            Reason::CriticalCareExposure { percent } => {
                format!("caso de cuidados críticos: los riesgos legales cuentan un {percent} % más")
            }
            Reason::NoAttorney => "no se ha asignado un abogado".to_owned(),
            Reason::AttestationStale { due } => format!(
                "la certificación médica está desactualizada: debía renovarse a más tardar el {due} ({})",
                when(due),
                due = fecha(due)
            ),
            Reason::ReParoleOverdue { due } => format!(
                "no se ha presentado la solicitud de renovación del permiso humanitario (re-parole); la fecha prevista, el {due}, ya pasó ({})",
                when(due),
                due = fecha(due)
            ),
            Reason::ReParoleDueSoon { due } => format!(
                "no se ha presentado la solicitud de renovación del permiso humanitario (re-parole); la fecha prevista es el {due} ({})",
                when(due),
                due = fecha(due)
            ),
            Reason::NewRequestNotFiled { notice_on } => format!(
                "el permiso humanitario (parole) fue terminado y no se ha presentado una nueva solicitud desde el aviso de terminación del {notice_on}",
                notice_on = fecha(notice_on)
            ),
            Reason::FamilyCoverageLost { since } => format!(
                "un familiar adulto de este paciente en atención crítica no tiene Medicaid federal desde el {since} ({})",
                when(since)
            ),
        }
    }
}

fn response_en(what: &str, due: Date, today: Date) -> String {
    if due < today {
        format!("{what} was due {due} ({}), still open", when_en(today, due))
    } else {
        format!("{what} due {due} ({})", when_en(today, due))
    }
}

fn response_es(what: &str, due: Date, today: Date) -> String {
    if due < today {
        format!("{what} venció el {due} ({}) y sigue pendiente", when_es(today, due), due = fecha(due))
    } else {
        format!("{what} vence el {due} ({})", when_es(today, due), due = fecha(due))
    }
}

/// Why an escalation opened, as facts; `as_of` is the day the trigger was found, from which its
/// relative phrases count. A reason stored before reasons were kept as facts keeps its sentences
/// ([`TriggerReason::Written`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "said", rename_all = "snake_case")]
pub enum TriggerReason {
    TerminationNotice { notice_on: Date, harm_days: i64, depart_by: Option<Date>, as_of: Date },
    ParoleDenied { denied_on: Date, harm_days: i64 },
    NoidReceived { received_on: Date, respond_by: Option<Date>, critical_care: bool, as_of: Date },
    ParoleExpiring { end: Date, as_of: Date },
    Written { text: Texts },
}

impl TriggerReason {
    /// The sentence in `language`.
    pub fn text(&self, language: Language) -> String {
        match language {
            Language::En => self.english(),
            Language::Es => self.spanish(),
        }
    }

    fn english(&self) -> String {
        match self {
            TriggerReason::TerminationNotice { notice_on, harm_days, depart_by, as_of } => {
                let mut text = format!(
                    "termination notice of {notice_on} on a critical-care case ({} to critical harm if care stops)",
                    days_en(*harm_days)
                );
                if let Some(d) = depart_by {
                    text.push_str(&format!("; depart by {d} ({})", when_en(*as_of, *d)));
                }
                text
            }
            TriggerReason::ParoleDenied { denied_on, harm_days } => format!(
                "parole denied on {denied_on} on a critical-care case ({} to critical harm if care stops)",
                days_en(*harm_days)
            ),
            TriggerReason::NoidReceived { received_on, respond_by, critical_care, as_of } => {
                let mut text = format!("notice of intent to deny (NOID) received {received_on}");
                if let Some(d) = respond_by {
                    text.push_str(&format!("; respond by {d} ({})", when_en(*as_of, *d)));
                }
                if *critical_care {
                    text.push_str("; critical-care case");
                }
                text
            }
            TriggerReason::ParoleExpiring { end, as_of } if end < as_of => format!(
                "critical-care case: parole expired on {end} ({}) and no re-parole has been filed",
                when_en(*as_of, *end)
            ),
            TriggerReason::ParoleExpiring { end, as_of } => format!(
                "critical-care case: parole ends {end} ({}) and no re-parole has been filed",
                when_en(*as_of, *end)
            ),
            TriggerReason::Written { text } => text.get(Language::En).to_owned(),
        }
    }

    fn spanish(&self) -> String {
        match self {
            TriggerReason::TerminationNotice { notice_on, harm_days, depart_by, as_of } => {
                let mut text = format!(
                    "aviso de terminación del {notice_on} en un caso de cuidados críticos ({} hasta un daño grave si se interrumpe el tratamiento)",
                    days_es(*harm_days),
                    notice_on = fecha(notice_on)
                );
                if let Some(d) = depart_by {
                    text.push_str(&format!(
                        "; debe salir del país a más tardar el {d} ({})",
                        when_es(*as_of, *d),
                        d = fecha(d)
                    ));
                }
                text
            }
            TriggerReason::ParoleDenied { denied_on, harm_days } => format!(
                "permiso humanitario (parole) denegado el {denied_on} en un caso de cuidados críticos ({} hasta un daño grave si se interrumpe el tratamiento)",
                days_es(*harm_days),
                denied_on = fecha(denied_on)
            ),
            TriggerReason::NoidReceived { received_on, respond_by, critical_care, as_of } => {
                let mut text = format!(
                    "se recibió un aviso de intención de denegar (NOID) el {received_on}",
                    received_on = fecha(received_on)
                );
                if let Some(d) = respond_by {
                    text.push_str(&format!(
                        "; debe responderse a más tardar el {d} ({})",
                        when_es(*as_of, *d),
                        d = fecha(d)
                    ));
                }
                if *critical_care {
                    text.push_str("; caso de cuidados críticos");
                }
                text
            }
            TriggerReason::ParoleExpiring { end, as_of } if end < as_of => format!(
                "caso de cuidados críticos: el permiso humanitario (parole) venció el {end} ({}) y no se ha presentado la solicitud de renovación (re-parole)",
                when_es(*as_of, *end),
                end = fecha(end)
            ),
            TriggerReason::ParoleExpiring { end, as_of } => format!(
                "caso de cuidados críticos: el permiso humanitario (parole) vence el {end} ({}) y no se ha presentado la solicitud de renovación (re-parole)",
                when_es(*as_of, *end),
                end = fecha(end)
            ),
            TriggerReason::Written { text } => text.get(Language::Es).to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Date {
        text.parse().unwrap()
    }

    #[test]
    fn a_reason_is_its_code_and_the_values_it_prints() {
        let reason = Reason::ParoleEndsSoon { end: day("2026-03-13"), by_termination: false, filed: false };
        assert_eq!(
            serde_json::to_string(&reason).unwrap(),
            r#"{"code":"parole_ends_soon","end":"2026-03-13","by_termination":false,"filed":false}"#
        );
        assert_eq!(reason.code(), "parole_ends_soon");
        let today = day("2026-03-01");
        assert_eq!(reason.text(Language::En, today), "parole ends in 12 days (2026-03-13), nothing filed");
        let read: Reason = serde_json::from_str(&serde_json::to_string(&reason).unwrap()).unwrap();
        assert_eq!(read, reason);
    }

    #[test]
    fn a_parole_end_already_past_is_said_to_have_ended() {
        let reason = Reason::ParoleEndsSoon { end: day("2026-03-13"), by_termination: false, filed: false };
        let later = day("2026-12-05");
        assert_eq!(reason.text(Language::En, later), "parole ended 267 days ago (2026-03-13), nothing filed");
        assert_eq!(
            reason.text(Language::Es, later),
            "el permiso humanitario (parole) venció hace 267 días (13 de marzo de 2026) y no se ha presentado nada"
        );
        let ahead = day("2026-03-01");
        assert!(
            reason.text(Language::Es, ahead).starts_with("el permiso humanitario (parole) vence en 12 días")
        );
        let terminated = Reason::ParoleEndsSoon { end: day("2026-03-13"), by_termination: true, filed: true };
        assert!(terminated.text(Language::Es, later).contains("terminó hace 267 días"));
        assert!(terminated.text(Language::En, later).starts_with("parole ended 267 days ago"));
    }

    #[test]
    fn a_written_trigger_reason_keeps_its_sentences() {
        let written = TriggerReason::Written { text: Texts::en_es("old", "viejo") };
        let json = serde_json::to_string(&written).unwrap();
        assert_eq!(json, r#"{"said":"written","text":{"en":"old","es":"viejo"}}"#);
        let read: TriggerReason = serde_json::from_str(&json).unwrap();
        assert_eq!((read.text(Language::En), read.text(Language::Es)), ("old".into(), "viejo".into()));
    }
}
