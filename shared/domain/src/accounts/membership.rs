use crate::access::Role;
use crate::ids::{TenantId, UserId};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// A user's place in an organisation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    /// The organisation.
    pub tenant_id: TenantId,
    /// The member.
    pub user_id: UserId,
    /// What they may do there.
    pub role: Role,
    /// When they joined.
    pub since: Timestamp,
}

/// The change would leave the organisation without an owner.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("an organisation keeps at least one owner: make another member owner first")]
pub struct LastOwner;

/// Whether a member whose role is `current` may become `next` (`None`: leave or be removed),
/// given how many owners the organisation has.
pub fn check_owner_change(current: Role, next: Option<Role>, owners: usize) -> Result<(), LastOwner> {
    let stops_being_owner = current == Role::Owner && next != Some(Role::Owner);
    if stops_being_owner && owners <= 1 { Err(LastOwner) } else { Ok(()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_owner_cannot_leave_or_be_demoted() {
        let cases = [
            (Role::Owner, Some(Role::Admin), 1, false),
            (Role::Owner, None, 1, false),
            (Role::Owner, Some(Role::Owner), 1, true),
            (Role::Owner, Some(Role::Viewer), 2, true),
            (Role::Owner, None, 2, true),
            (Role::Admin, None, 1, true),
            (Role::Viewer, Some(Role::Owner), 1, true),
        ];
        for (current, next, owners, allowed) in cases {
            assert_eq!(check_owner_change(current, next, owners).is_ok(), allowed, "{current} -> {next:?} with {owners} owners");
        }
    }
}
