//! What pages share: the page shell and its viewer, the interface's languages, problems worded for
//! readers, shared form pieces, and the stylesheet.

pub mod assets;
pub mod form;
pub mod i18n;
pub mod page;
pub mod problems;

pub use page::{render, viewer};
