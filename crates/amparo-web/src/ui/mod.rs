//! What pages share: the page shell and its viewer, the interface's languages, problems worded for
//! readers, and the stylesheet.

pub mod assets;
pub mod i18n;
pub mod page;
pub mod problems;

pub use page::render;
