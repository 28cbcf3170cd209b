//! The notification pages over the in-memory store: a channel of every kind made from its
//! form with its secret never shown back (a webhook's made secret shown once), a test sent and
//! its outcome shown in place, alert rules with escalation steps added and removed by the
//! form's own buttons, maintenance windows in the reader's zone, mutes, and what a viewer may
//! not do.

use crate::installation::{Installation, assert_safe, element};
use axum::http::StatusCode;
use vigil_domain::accounts::Locale;
use vigil_domain::notify::{ChannelConfig, WindowSchedule};
use vigil_memory::ScriptedNotifier;

const SLACK_SECRET: &str = "T0001/B0001/xoxSECRETslack";
const ROUTING_KEY: &str = "R0123456789abcdef0123456789abcd";
const GIVEN_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

#[tokio::test]
async fn a_channel_of_each_kind_is_made_and_no_secret_is_shown_back() {
    let at = Installation::new().await;
    let picker = at.get("/channels/new", &at.owner).await;
    assert_safe("/channels/new", &picker);
    for kind in ["webhook", "slack", "discord", "teams", "pagerduty", "email", "sms"] {
        assert!(picker.text().contains(&format!("/channels/new?kind={kind}\"")), "the picker offers {kind}");
        assert_eq!(at.get(&format!("/channels/new?kind={kind}"), &at.owner).await.status, StatusCode::OK);
    }
    let slack_url = format!("https://hooks.slack.com/services/{SLACK_SECRET}");
    let made: [&[(&str, &str)]; 7] = [
        &[("kind", "webhook"), ("name", "Signed hook"), ("url", "https://hooks.example.com/given"), ("secret", GIVEN_SECRET)],
        &[("kind", "slack"), ("name", "Slack ops"), ("url", &slack_url)],
        &[("kind", "discord"), ("name", "Discord ops"), ("url", "https://discord.com/api/webhooks/1/xoxSECRETdiscord")],
        &[("kind", "teams"), ("name", "Teams ops"), ("url", "https://example.webhook.office.com/xoxSECRETteams")],
        &[("kind", "pagerduty"), ("name", "Pager"), ("routing_key", ROUTING_KEY)],
        &[("kind", "email"), ("name", "Mail ops"), ("to", "ops@example.com\ndev@example.org")],
        &[("kind", "sms"), ("name", "On call phone"), ("to", "+14155550123")],
    ];
    for fields in made {
        let answer = at.post("/channels", &at.owner, fields).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{fields:?}: {}", answer.text());
    }
    let list = at.get("/channels?notice=channel_created", &at.owner).await;
    assert_safe("/channels", &list);
    let html = list.text();
    for secret in [SLACK_SECRET, "xoxSECRET", ROUTING_KEY, "+14155550123", "0123", &GIVEN_SECRET[6..]] {
        assert!(!html.contains(secret), "{secret} is never shown");
    }
    for shown in [
        "https://hooks.example.com/given",
        "https://hooks.slack.com/…",
        "ops@example.com, dev@example.org",
        "Routing key set",
        "Phone number set",
        "Signing secret set",
        "Microsoft Teams",
    ] {
        assert!(html.contains(shown), "{shown}");
    }
    let slack = at
        .deps
        .stores
        .channels
        .list(at.tenant, &Default::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|c| c.name == "Slack ops")
        .unwrap();
    let edit = at.get(&format!("/channels/{}/edit", slack.id), &at.owner).await.text();
    assert!(!edit.contains(SLACK_SECRET) && edit.contains("A secret is set and never shown."), "the edit form leaves the secret out");
    let renamed =
        at.post(&format!("/channels/{}/edit", slack.id), &at.owner, &[("kind", "slack"), ("name", "Slack on call"), ("url", "")]).await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER);
    let stored = at.deps.stores.channels.get(at.tenant, slack.id).await.unwrap().unwrap();
    assert_eq!((stored.name.as_str(), stored.config), ("Slack on call", slack.config), "renamed, the secret kept");
}

#[tokio::test]
async fn a_webhooks_made_secret_is_shown_once_and_a_bad_url_is_refused_in_place() {
    let at = Installation::new().await;
    let made = at
        .post("/channels", &at.owner, &[("kind", "webhook"), ("name", "Receiver"), ("url", "https://hooks.example.com/r"), ("secret", "")])
        .await;
    assert_eq!(made.status, StatusCode::OK, "the secret is shown on the answer itself");
    let channel = at.deps.stores.channels.list(at.tenant, &Default::default()).await.unwrap().items.remove(0);
    let ChannelConfig::Webhook { secret, .. } = &channel.config else { panic!("a webhook") };
    assert!(element(&made.text(), "code", "new-secret").contains(&secret.expose()), "shown once");
    assert!(!at.get("/channels", &at.owner).await.text().contains(&secret.expose()), "and never again");

    let bad =
        at.post("/channels", &at.owner, &[("kind", "webhook"), ("name", "Bad"), ("url", "ftp://example.com/x"), ("secret", "nope")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = bad.text();
    assert!(element(&html, "p", "url-error").contains("An http or https URL is needed."));
    assert!(element(&html, "p", "secret-error").contains("whsec_"));
    assert!(html.contains("value=\"ftp://example.com/x\"") && !html.contains("value=\"nope\""), "the URL stays, the secret does not");
}

#[tokio::test]
async fn a_test_message_is_sent_and_its_outcome_shown_beside_the_channel() {
    let at = Installation::new().await;
    let ops = at.channel("ops").await;
    let sent = at.post(&format!("/channels/{ops}/test"), &at.owner, &[]).await;
    assert_eq!(sent.status, StatusCode::OK);
    assert!(element(&sent.text(), "p", &format!("outcome-{ops}")).contains("Delivered (HTTP 200)."));
    assert_eq!(at.notifier.sent().len(), 1, "one message went out");
    at.notifier.then(ScriptedNotifier::rejected(500, true));
    let failed = at.post(&format!("/channels/{ops}/test"), &at.owner, &[]).await.text();
    assert!(element(&failed, "p", &format!("outcome-{ops}")).contains("Not delivered (HTTP 500): the receiver answered 500"));
    at.speak(&at.owner, Locale::Fr, "Europe/Paris").await;
    let french = at.post(&format!("/channels/{ops}/test"), &at.owner, &[]).await.text();
    assert!(element(&french, "p", &format!("outcome-{ops}")).contains("Remis (HTTP 200)."));
}

#[tokio::test]
async fn escalation_steps_are_added_and_removed_by_the_forms_buttons_and_saved() {
    let at = Installation::new().await;
    let (ops, boss) = (at.channel("ops").await, at.channel("boss").await);
    let api = at.monitor("API").await;
    let (ops, boss, api) = (ops.to_string(), boss.to_string(), api.to_string());
    let base = vec![
        ("name", "On call"),
        ("select_monitor", api.as_str()),
        ("channel", ops.as_str()),
        ("notify_opened", "on"),
        ("notify_resolved", "on"),
    ];
    let mut added = base.clone();
    added.push(("op", "add_step"));
    let form = at.post("/rules", &at.owner, &added).await;
    assert_eq!(form.status, StatusCode::OK, "the form again, one step longer");
    let html = form.text();
    assert!(html.contains("id=\"step_after_0\"") && html.contains(&format!("id=\"step_channel_0-{boss}\"")), "a step to fill");
    assert!(html.contains(&format!("id=\"monitor-{api}\" name=\"select_monitor\" value=\"{api}\" checked")), "what was ticked stays");
    assert!(at.deps.stores.alert_rules.all(at.tenant).await.unwrap().is_empty(), "nothing saved yet");

    let mut two = base.clone();
    two.extend([("step_after_0", "15"), ("step_after_0_unit", "min"), ("step_channel_0", boss.as_str())]);
    two.extend([("step_after_1", "1"), ("step_after_1_unit", "h"), ("op", "remove_step_1")]);
    let removed = at.post("/rules", &at.owner, &two).await.text();
    assert!(removed.contains("id=\"step_after_0\"") && !removed.contains("id=\"step_after_1\""), "the second step is gone");

    let mut empty_step = base.clone();
    empty_step.extend([("step_after_0", "15"), ("step_after_0_unit", "min"), ("op", "save")]);
    let refused = at.post("/rules", &at.owner, &empty_step).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().contains("Choose 1 to 20 channels for this step."));

    let mut save = base.clone();
    save.extend([
        ("step_after_0", "15"),
        ("step_after_0_unit", "min"),
        ("step_channel_0", boss.as_str()),
        ("repeat", "2"),
        ("repeat_unit", "h"),
        ("op", "save"),
    ]);
    let saved = at.post("/rules", &at.owner, &save).await;
    assert_eq!(saved.location(), "/rules?notice=rule_saved", "{}", saved.text());
    let rule = at.deps.stores.alert_rules.all(at.tenant).await.unwrap().remove(0);
    assert_eq!((rule.escalation[0].after_seconds, rule.repeat_every_seconds), (900, Some(7200)));
    assert!(!rule.notify_on.acknowledged && rule.notify_on.opened);
    let list = at.get("/rules", &at.owner).await;
    assert_safe("/rules", &list);
    let rules = element(&list.text(), "table", "rules");
    assert!(rules.contains("Monitors: API") && rules.contains("after 15 min: boss") && rules.contains("every 2 h"), "{rules}");

    let edit = at.get(&format!("/rules/{}/edit", rule.id), &at.owner).await.text();
    assert!(
        edit.contains("id=\"step_after_0\" name=\"step_after_0\" type=\"number\" min=\"1\" inputmode=\"numeric\" value=\"15\""),
        "the step comes back"
    );
    assert_eq!(at.get(&format!("/rules/{}/delete", rule.id), &at.owner).await.status, StatusCode::OK);
    assert_eq!(at.post(&format!("/rules/{}/delete", rule.id), &at.owner, &[]).await.location(), "/rules?notice=rule_deleted");
    assert!(at.deps.stores.alert_rules.all(at.tenant).await.unwrap().is_empty());
}

#[tokio::test]
async fn maintenance_windows_once_in_the_readers_zone_or_every_week_in_theirs() {
    let at = Installation::new().await;
    at.speak(&at.owner, Locale::En, "Europe/Paris").await;
    let once = [
        ("name", "Upgrade"),
        ("select_all", "on"),
        ("schedule", "one_off"),
        ("starts_at", "2030-03-01T10:00"),
        ("ends_at", "2030-03-01T11:30"),
    ];
    assert_eq!(at.post("/windows", &at.owner, &once).await.location(), "/windows?notice=window_saved");
    let weekly = [
        ("name", "Sunday backups"),
        ("select_tags", "db, backups"),
        ("schedule", "recurring"),
        ("day", "sun"),
        ("day", "sat"),
        ("start", "02:00"),
        ("duration", "90"),
        ("duration_unit", "min"),
        ("timezone", "Europe/Riga"),
    ];
    assert_eq!(at.post("/windows", &at.owner, &weekly).await.status, StatusCode::SEE_OTHER);
    let windows = at.deps.stores.silences.windows(at.tenant).await.unwrap();
    let upgrade = windows.iter().find(|w| w.name == "Upgrade").unwrap();
    assert_eq!(
        upgrade.schedule,
        WindowSchedule::OneOff { starts_at: "2030-03-01T09:00:00Z".parse().unwrap(), ends_at: "2030-03-01T10:30:00Z".parse().unwrap() },
        "read in Paris time"
    );
    let list = at.get("/windows", &at.owner).await;
    assert_safe("/windows", &list);
    let table = element(&list.text(), "table", "windows");
    assert!(table.contains("from 1 Mar 2030, 10:00 CET until 1 Mar 2030, 11:30 CET"), "{table}");
    assert!(table.contains("Sat, Sun at 02:00 for 1 h 30 min (Europe/Riga)") && table.contains("Tags: backups, db"), "{table}");

    let backwards = [
        ("name", "Oops"),
        ("select_all", "on"),
        ("schedule", "one_off"),
        ("starts_at", "2030-03-01T10:00"),
        ("ends_at", "2030-03-01T09:00"),
    ];
    let refused = at.post("/windows", &at.owner, &backwards).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(element(&refused.text(), "p", "ends_at-error").contains("The end must come after the start."));
    let nothing = [
        ("name", "Nothing"),
        ("schedule", "recurring"),
        ("start", "02:00"),
        ("duration", "1"),
        ("duration_unit", "h"),
        ("timezone", "UTC"),
    ];
    assert!(at.post("/windows", &at.owner, &nothing).await.text().contains("Choose everything, some monitors or tasks, or tags."));

    let edit = at.get(&format!("/windows/{}/edit", upgrade.id), &at.owner).await.text();
    assert!(edit.contains("value=\"2030-03-01T10:00\"") && edit.contains("value=\"2030-03-01T11:30\""), "moments shown back in Paris time");
}

#[tokio::test]
async fn a_monitor_is_muted_for_a_while_and_unmuted() {
    let at = Installation::new().await;
    let api = at.monitor("API").await;
    let muted = at.post("/mutes", &at.owner, &[("monitor", &api.to_string()), ("for", "3600"), ("until", "")]).await;
    assert_eq!(muted.location(), "/mutes?notice=muted");
    let page = at.get("/mutes?notice=muted", &at.owner).await;
    assert_safe("/mutes", &page);
    let table = element(&page.text(), "table", "mutes");
    assert!(table.contains("API") && !table.contains("Until unmuted"), "{table}");
    let incident = at.outage(api).await;
    let html = at.get(&format!("/incidents/{incident}"), &at.owner).await.text();
    assert!(html.contains("Nobody is notified: it is muted until"), "the incident says why nobody was told");
    let past = at.post("/mutes", &at.owner, &[("monitor", &api.to_string()), ("for", "0"), ("until", "2001-01-01T00:00")]).await;
    assert_eq!(past.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(element(&past.text(), "p", "until-error").contains("This moment has passed."));
    let unmuted = at.post(&format!("/mutes/{api}/unmute"), &at.owner, &[]).await;
    assert_eq!(unmuted.location(), "/mutes?notice=unmuted");
    assert!(at.get("/mutes", &at.owner).await.text().contains("No monitor is muted."));
}

#[tokio::test]
async fn a_viewer_sees_the_notification_pages_without_controls_and_is_refused_anyway() {
    let at = Installation::new().await;
    let ops = at.channel("ops").await;
    let api = at.monitor("API").await;
    for path in ["/channels", "/rules", "/windows", "/mutes"] {
        let page = at.get(path, &at.viewer).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let html = page.text();
        assert!(
            !html.contains("/new\"") && !html.contains("/test\"") && !html.contains("/edit\"") && !html.contains("id=\"mute-form\""),
            "{path}"
        );
    }
    for path in ["/channels/new", "/rules/new", "/windows/new", &format!("/channels/{ops}/edit"), &format!("/channels/{ops}/delete")] {
        assert_eq!(at.get(path, &at.viewer).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    let refusals = [
        (format!("/channels/{ops}/test"), vec![]),
        (format!("/channels/{ops}/delete"), vec![]),
        ("/channels".to_owned(), vec![("kind", "email"), ("name", "x"), ("to", "a@example.com")]),
        ("/rules".to_owned(), vec![("name", "x"), ("select_all", "on"), ("channel", "x"), ("op", "add_step")]),
        ("/windows".to_owned(), vec![("name", "x")]),
        ("/mutes".to_owned(), vec![("monitor", "x"), ("for", "3600")]),
        (format!("/mutes/{api}/unmute"), vec![]),
    ];
    for (path, fields) in refusals {
        assert_eq!(at.post(&path, &at.viewer, &fields).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    assert!(at.notifier.sent().is_empty(), "no test message went out");
    assert_eq!(at.deps.stores.channels.list(at.tenant, &Default::default()).await.unwrap().items.len(), 1, "nothing made or deleted");
}
