//! Reminders and calendars: the texts of every notice in English and Spanish (Project Fluent), their
//! rendering to subject, plain text and HTML, delivery by email over SMTP with retries, iCalendar
//! feeds, and the family's status letter.
//!
//! What is notified, to whom and when is decided in the store, in the same transaction as its cause
//! (see the notices of `amparo_store::Store`); this crate only says it and delivers it.

pub mod family_letter;
pub mod family_texts;
pub mod ical;
pub mod letter;
pub mod mail;
pub mod render;
pub mod texts;
pub mod worker;

pub use mail::{Mailer, Outgoing, SendError, SmtpFileSettings, SmtpMailer, SmtpSettings};
pub use render::{Rendered, render};
pub use texts::{Arg, Texts};
pub use worker::{DeliveryOptions, DeliveryReport, deliver_due};
