//! Organisations: creating one and listing them all (an installation serves several).

use chrono::{DateTime, Utc};

use crate::Store;
use crate::columns::{from_millis, millis};
use crate::db::DbFailure;
use crate::error::{StoreError, StoreResult};
use crate::model::{NewOrganisation, OrgId, Organisation};

const INSERT_ORGANISATION: &str =
    "INSERT INTO organisations (id, slug, name, created_at) VALUES ($1, $2, $3, $4)";
const SELECT_ORGANISATIONS: &str = "SELECT id, slug, name, created_at FROM organisations ORDER BY slug";

impl Store {
    pub fn create_organisation(
        &self,
        new: &NewOrganisation,
        now: DateTime<Utc>,
    ) -> StoreResult<Organisation> {
        let org = Organisation {
            id: OrgId::generate(),
            slug: new.slug.clone(),
            name: new.name.clone(),
            created_at: now,
        };
        let params =
            [org.id.as_str().into(), org.slug.as_str().into(), org.name.as_str().into(), millis(now).into()];
        self.write(|tx| match tx.execute(INSERT_ORGANISATION, &params) {
            Err(DbFailure::UniqueViolation) => {
                Err(StoreError::Duplicate(format!("an organisation with slug {} already exists", new.slug)))
            }
            other => other.map(|_| ()).map_err(Into::into),
        })?;
        Ok(org)
    }

    pub fn organisations(&self) -> StoreResult<Vec<Organisation>> {
        self.read(|tx| {
            tx.query(SELECT_ORGANISATIONS, &[])?
                .iter()
                .map(|r| {
                    Ok(Organisation {
                        id: OrgId(r.text(0)?),
                        slug: r.text(1)?,
                        name: r.text(2)?,
                        created_at: from_millis(r.int(3)?),
                    })
                })
                .collect()
        })
    }
}
