//! Who uses Amparo: organisations, their members and roles, and the sessions members sign in with.
//! Second factors and password resets, which guard these, are in `security`.

mod organisations;
mod roles;
mod sessions;
mod users;

pub use roles::{LAST_ADMIN, RoleActor, RoleChange};
pub(crate) use sessions::{create_session, delete_other_sessions, delete_session, delete_sessions_of};
pub use users::parse_role;
pub(crate) use users::{set_password, user};
