//! `vigil members` and `vigil orgs`.

use super::Session;
use super::resolve::{Names, pick};
use crate::args::{MemberCommand, OrgCommand};
use crate::failure::Failure;
use crate::output::{Output, ago, short_id};
use jiff::Timestamp;
use vigil_api::{InvitationRequest, Member, Membership, Role};
use vigil_client::Client;

fn role(text: &str) -> Result<Role, Failure> {
    Role::parse(text).ok_or_else(|| Failure::usage(format!("`{text}` is not a role: owner, admin, editor, responder or viewer")))
}

/// The member `reference` names, by email, name, id or id prefix.
pub async fn member(client: &Client, reference: &str) -> Result<Member, Failure> {
    let members = client.members().await?;
    pick(members, reference, "member", |m| Names { id: m.user_id.to_string(), names: vec![&m.email, &m.name], managed: None })
}

fn member_row(out: &Output, m: &Member, now: Timestamp) -> Vec<String> {
    vec![
        out.dim(&short_id(&m.user_id)),
        m.email.clone(),
        m.name.clone(),
        m.role.as_str().to_owned(),
        if m.two_factor { "on".into() } else { out.dim("off") },
        ago(Some(m.since), now),
    ]
}

/// Runs `vigil members …`.
pub async fn members(session: &Session, command: MemberCommand) -> Result<i32, Failure> {
    let (client, out) = (&session.client, &session.out);
    match command {
        MemberCommand::List => {
            let members = client.members().await?;
            if out.json {
                out.json(&members);
            } else {
                let now = Timestamp::now();
                let rows: Vec<_> = members.iter().map(|m| member_row(out, m, now)).collect();
                out.table(&["ID", "EMAIL", "NAME", "ROLE", "2FA", "SINCE"], &rows);
            }
        }
        MemberCommand::Invite { email, role: role_name } => {
            let invitation = client.invite(&InvitationRequest { email, role: role(&role_name)? }).await?;
            if out.json {
                out.json(&invitation);
            } else {
                println!("Invited {} as {}.", invitation.email, invitation.role.as_str());
                if let Some(error) = &invitation.mail_error {
                    println!("The mail could not be sent ({error}): pass the link on yourself.");
                }
                if let Some(link) = &invitation.link {
                    println!("The link works once, until {}:\n\n    {link}\n", invitation.expires_at);
                }
            }
        }
        MemberCommand::Role { member: reference, role: role_name } => {
            let found = member(client, &reference).await?;
            let role = role(&role_name)?;
            client.change_role(found.user_id, role).await?;
            if out.json {
                out.json(&Member { role, ..found });
            } else {
                println!("{} is now {}.", found.email, role.as_str());
            }
        }
        MemberCommand::Remove { member: reference } => {
            let found = member(client, &reference).await?;
            client.remove_member(found.user_id).await?;
            if out.json {
                out.json(&found);
            } else {
                println!("Removed {} from the organisation.", found.email);
            }
        }
    }
    Ok(0)
}

/// Runs `vigil orgs …`.
pub async fn orgs(session: &Session, command: OrgCommand) -> Result<i32, Failure> {
    let (client, out) = (&session.client, &session.out);
    match command {
        OrgCommand::List => {
            let me = client.me().await?;
            if out.json {
                let listed: Vec<_> = me
                    .organisations
                    .iter()
                    .map(|o| serde_json::json!({"id": o.id, "name": o.name, "role": o.role, "current": o.id == me.current_organisation}))
                    .collect();
                out.json(&listed);
            } else {
                let rows: Vec<_> = me
                    .organisations
                    .iter()
                    .map(|o| {
                        let mark = if o.id == me.current_organisation { "*" } else { "" };
                        vec![mark.to_owned(), out.dim(&short_id(&o.id)), o.name.clone(), o.role.as_str().to_owned()]
                    })
                    .collect();
                out.table(&["", "ID", "NAME", "ROLE"], &rows);
            }
        }
        OrgCommand::Switch { organisation } => {
            let all: Vec<Membership> = client.organisations().await?;
            let chosen = pick(all, &organisation, "organisation", |o| Names { id: o.id.to_string(), names: vec![&o.name], managed: None })?;
            client.switch_organisation(chosen.id).await?;
            if out.json {
                out.json(&chosen);
            } else {
                println!("Now acting in {} (as {}).", chosen.name, chosen.role.as_str());
            }
        }
    }
    Ok(0)
}
