use super::super::DynamoStore;
use super::super::documents::parse_doc;
use super::super::toolkit::attributes::{ItemExt, n, s};
use super::super::toolkit::errors::decode;
use super::super::toolkit::transactions::{Outcome, transact_put, transact_put_new};
use super::{item, marker, put_if, user_pk};
use crate::dynamo::client::{Condition, DeleteItem, TransactWriteItem};
use async_trait::async_trait;
use vigil_domain::accounts::{Email, User};
use vigil_domain::ids::UserId;
use vigil_domain::ports::{StoreError, UserDirectory};

const USERS_PK: &str = "USERS";

fn email_pk(email: &Email) -> String {
    format!("EMAIL#{email}")
}

fn user_item(user: &User) -> Result<super::Item, StoreError> {
    item(user_pk(user.id), "USER", user, vec![("version", n(user.version))])
}

fn email_lock(user: &User) -> super::Item {
    marker(email_pk(&user.email), "EMAIL", vec![("user_id", s(user.id.to_string()))])
}

impl DynamoStore {
    fn release_email(&self, email: &Email, user: UserId) -> Result<TransactWriteItem, StoreError> {
        let key = super::super::toolkit::item::key(email_pk(email), "EMAIL");
        let condition = Condition::on("user_id = :user", &[], vec![(":user", s(user.to_string()))]);
        Ok(TransactWriteItem::Delete(DeleteItem { table_name: self.table.clone(), key, condition, return_values: None }))
    }
}

#[async_trait]
impl UserDirectory for DynamoStore {
    async fn insert_user(&self, user: &User) -> Result<(), StoreError> {
        let items = vec![
            transact_put_new(&self.table, user_item(user)?)?,
            transact_put_new(&self.table, email_lock(user))?,
            transact_put(&self.table, marker(USERS_PK.into(), user.id.to_string(), vec![]), None)?,
        ];
        match self.transact_settled("storing a user", items).await? {
            Outcome::Written => Ok(()),
            _ => Err(StoreError::Conflict),
        }
    }

    async fn user(&self, id: UserId) -> Result<Option<User>, StoreError> {
        self.get_doc(user_pk(id), "USER".into(), "reading a user").await
    }

    async fn user_by_email(&self, email: &Email) -> Result<Option<User>, StoreError> {
        let Some(lock) = self.get_raw(email_pk(email), "EMAIL".into(), "finding a user by email").await? else { return Ok(None) };
        let id: UserId = lock.string("user_id").map_err(decode)?.parse().map_err(StoreError::backend)?;
        self.user(id).await
    }

    async fn update_user(&self, user: &User) -> Result<(), StoreError> {
        let Some(stored) = self.get_raw(user_pk(user.id), "USER".into(), "reading a user").await? else { return Err(StoreError::NotFound) };
        let previous: User = parse_doc(&stored).map_err(decode)?;
        let expected = n(user.version.saturating_sub(1));
        let mut items =
            vec![put_if(&self.table, user_item(user)?, "#version = :expected", &[("#version", "version")], vec![(":expected", expected)])?];
        if previous.email != user.email {
            items.push(self.release_email(&previous.email, user.id)?);
            items.push(transact_put_new(&self.table, email_lock(user))?);
        }
        match self.transact_settled("updating a user", items).await? {
            Outcome::Written => Ok(()),
            _ => Err(StoreError::Conflict),
        }
    }

    async fn has_users(&self) -> Result<bool, StoreError> {
        Ok(!self.query_prefix(USERS_PK, "", true, None, 1, "looking for users").await?.0.is_empty())
    }
}
