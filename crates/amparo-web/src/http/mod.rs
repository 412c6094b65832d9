//! What every request goes through before and after a feature handles it: the sign-in session (or API
//! token, with its rate limit), the
//! access each route declares, cookies, security headers, sign-in throttling, reading input, and
//! turning errors into pages or JSON.

pub mod access;
pub mod answers;
pub mod bearer;
pub mod client_address;
pub mod cookies;
pub mod error;
pub mod forgery;
pub mod headers;
pub mod health;
pub mod input;
pub mod kept_forms;
pub mod next_path;
pub mod paging;
pub mod request_id;
pub mod scoped_token;
pub mod session;
pub mod throttle;
pub mod token_limit;
pub mod token_use;
pub mod upload;
