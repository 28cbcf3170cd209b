use super::{Action, Role};

/// The permission table: whether `role` may do `action`. The one place this rule lives.
pub fn role_permits(role: Role, action: Action) -> bool {
    use Action::*;
    use Role::*;
    match (role, action) {
        (Owner, _) => true,
        (Admin, ManageOrganisation) => false,
        (Admin, _) => true,
        (
            Editor,
            Read | ReadTasks | EditMonitors | EditTasks | EditAlerting | RespondToIncidents | EditStatusPages | EditHostRules
            | ManageOwnKeys,
        ) => true,
        (Editor, ManageMembers | ManageAllKeys | ReadAuditLog | ManageHosts | ManageOrganisation) => false,
        (Responder, Read | ReadTasks | RespondToIncidents | ManageOwnKeys) => true,
        (Responder, _) => false,
        (Viewer, Read | ReadTasks | ManageOwnKeys) => true,
        (Viewer, _) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole table, case by case: each row is a role and the actions it may do; every
    /// other action is refused.
    #[test]
    fn the_permission_table_case_by_case() {
        use Action::*;
        let table: [(Role, &[Action]); 5] = [
            (Role::Owner, &Action::ALL),
            (
                Role::Admin,
                &[
                    Read,
                    ReadTasks,
                    EditMonitors,
                    EditTasks,
                    EditAlerting,
                    RespondToIncidents,
                    EditStatusPages,
                    ManageMembers,
                    ManageOwnKeys,
                    ManageAllKeys,
                    ReadAuditLog,
                    ManageHosts,
                    EditHostRules,
                ],
            ),
            (
                Role::Editor,
                &[
                    Read,
                    ReadTasks,
                    EditMonitors,
                    EditTasks,
                    EditAlerting,
                    RespondToIncidents,
                    EditStatusPages,
                    EditHostRules,
                    ManageOwnKeys,
                ],
            ),
            (Role::Responder, &[Read, ReadTasks, RespondToIncidents, ManageOwnKeys]),
            (Role::Viewer, &[Read, ReadTasks, ManageOwnKeys]),
        ];
        for (role, allowed) in table {
            for action in Action::ALL {
                assert_eq!(role_permits(role, action), allowed.contains(&action), "{role} / {action:?}");
            }
        }
    }

    #[test]
    fn a_stronger_role_may_do_all_a_weaker_one_may() {
        for (i, strong) in Role::ALL.iter().enumerate() {
            for weak in &Role::ALL[i..] {
                for action in Action::ALL {
                    assert!(!role_permits(*weak, action) || role_permits(*strong, action), "{strong} ⊇ {weak} on {action:?}");
                }
            }
        }
    }
}
