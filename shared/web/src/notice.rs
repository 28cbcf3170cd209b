//! The one-line notices a page shows after a change (post, redirect, get): the redirect names
//! the notice in `?notice=`, and only the names listed here are shown.

use crate::i18n::msg;

/// The message key of the notice `name`, if it is one.
pub(crate) fn text(name: &str) -> Option<&'static str> {
    Some(match name {
        "profile_saved" => msg("notice.profile_saved"),
        "password_changed" => msg("notice.password_changed"),
        "two_factor_off" => msg("notice.two_factor_off"),
        "invited" => msg("notice.invited"),
        "role_changed" => msg("notice.role_changed"),
        "member_removed" => msg("notice.member_removed"),
        "invitation_revoked" => msg("notice.invitation_revoked"),
        "key_revoked" => msg("notice.key_revoked"),
        "organisation_saved" => msg("notice.organisation_saved"),
        "switched" => msg("notice.switched"),
        "signed_out" => msg("notice.signed_out"),
        "password_reset" => msg("notice.password_reset"),
        "reset_sent" => msg("notice.reset_sent"),
        "checked" => msg("notice.checked"),
        "paused" => msg("notice.paused"),
        "resumed" => msg("notice.resumed"),
        "monitor_deleted" => msg("notice.monitor_deleted"),
        "monitor_saved" => msg("notice.monitor_saved"),
        "task_created" => msg("tasks.notice.created"),
        "task_saved" => msg("tasks.notice.saved"),
        "task_paused" => msg("tasks.notice.paused"),
        "task_resumed" => msg("tasks.notice.resumed"),
        "task_deleted" => msg("tasks.notice.deleted"),
        "acknowledged" => msg("incident.notice.acknowledged"),
        "commented" => msg("incident.notice.commented"),
        "resolved" => msg("incident.notice.resolved"),
        "channel_created" => msg("channels.notice.created"),
        "channel_saved" => msg("channels.notice.saved"),
        "channel_deleted" => msg("channels.notice.deleted"),
        "rule_saved" => msg("rules.notice.saved"),
        "rule_deleted" => msg("rules.notice.deleted"),
        "window_saved" => msg("windows.notice.saved"),
        "status_page_saved" => msg("editor.notice.saved"),
        "status_page_deleted" => msg("editor.notice.deleted"),
        "component_saved" => msg("editor.notice.component_saved"),
        "component_removed" => msg("editor.notice.component_removed"),
        "public_incident_posted" => msg("editor.notice.incident_posted"),
        "window_deleted" => msg("windows.notice.deleted"),
        "muted" => msg("mutes.notice.muted"),
        "unmuted" => msg("mutes.notice.unmuted"),
        _ => return None,
    })
}
