//! Who uses Amparo: organisations (their profile and time zone), their members and roles, inviting
//! and deactivating members, and the sessions members sign in with.
//! Second factors and password resets, which guard these, are in `security`.

mod organisations;
mod password_change;
pub(crate) mod profile;
mod roles;
mod sessions;
pub(crate) mod sign_in_emails;
pub(crate) mod staff;
pub(crate) mod users;

pub(crate) use profile::today_for;
pub use profile::{OrganisationProfile, ProfileInput, check_profile};
pub use roles::{LAST_ADMIN, RoleActor, RoleChange};
pub use sessions::SessionReads;
pub(crate) use sessions::{create_session, delete_other_sessions, delete_session, delete_sessions_of};
pub use staff::{
    Acceptance, Deactivation, INVALID_INVITATION, Invitation, LAST_ACTIVE_ADMIN, NewInvitation,
    SELF_DEACTIVATION,
};
pub use users::parse_role;
pub(crate) use users::{USER_COLUMNS, insert_user, set_password, user, user_row};
