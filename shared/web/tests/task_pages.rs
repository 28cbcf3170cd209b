//! The heartbeat task pages over the in-memory store: a task made from its form shows its ping
//! URLs, snippets and next fire times in its own zone; pings through the ping URL show as runs
//! with their logs; refusals shown field by field; the managed mark; pausing, resuming, a
//! confirmed delete; and what a viewer or a responder may not do.

use crate::installation::{Installation, assert_safe, element, now};
use axum::http::{Method, StatusCode};
use vigil_domain::accounts::Locale;
use vigil_domain::heartbeat::cron::CronExpr;
use vigil_web::Tr;

const BACKUP: &[(&str, &str)] = &[
    ("name", "Nightly backup"),
    ("slug", "nightly-backup"),
    ("schedule", "cron"),
    ("period", "1"),
    ("period_unit", "d"),
    ("cron", "0 2 * * *"),
    ("timezone", "Europe/Riga"),
    ("grace", "30"),
    ("grace_unit", "min"),
    ("max_run", "2"),
    ("max_run_unit", "h"),
    ("min_run", ""),
    ("min_run_unit", "s"),
];

/// Creates the backup task through its form as the owner; its page's path.
async fn backup(at: &Installation) -> String {
    let made = at.post("/tasks", &at.owner, BACKUP).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text());
    let location = made.location();
    assert!(location.starts_with("/tasks/") && location.ends_with("?notice=task_created"), "{location}");
    location.split('?').next().unwrap().to_owned()
}

#[tokio::test]
async fn a_task_made_from_its_form_shows_its_ping_urls_snippets_and_next_fire_times_in_its_zone() {
    let at = Installation::new().await;
    let path = backup(&at).await;
    let before = now();
    let page = at.get(&path, &at.owner).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_safe(&path, &page);
    let html = page.text();
    let task = at.deps.stores.tasks.list(at.tenant, &Default::default()).await.unwrap().items.remove(0);
    let token_url = format!("http://127.0.0.1:8080/ping/{}", task.task.token);
    let key = at.deps.stores.ping_keys.get(at.tenant).await.unwrap().unwrap();
    let slug_url = format!("http://127.0.0.1:8080/ping/{}/nightly-backup", key.as_str());
    for (id, url) in [
        ("token-success", token_url.clone()),
        ("token-start", format!("{token_url}/start")),
        ("token-fail", format!("{token_url}/fail")),
        ("token-exit", format!("{token_url}/{{exit-status}}")),
        ("slug-success", slug_url.clone()),
        ("slug-log", format!("{slug_url}/log")),
    ] {
        assert!(html.contains(&format!("<code id=\"{id}\">{url}</code>")), "{id}: {url}");
        assert!(html.contains(&format!("data-copy=\"{id}\"")), "a copy button for {id}");
    }
    let crontab = format!("0 2 * * * /path/to/job &#38;&#38; curl -fsS -m 10 --retry 5 -o /dev/null {token_url}");
    assert!(html.contains(&crontab), "the crontab line with curl");
    assert!(html.contains(&format!("vigil run --ping-url {token_url} -- /path/to/job")), "the vigil run wrapper");
    assert!(html.contains("--data-binary @- &#34;$URL/$status&#34;"), "the shell script reports the exit status and output");

    let riga = Tr::new(Locale::En, "Europe/Riga");
    let zone = jiff::tz::TimeZone::get("Europe/Riga").unwrap();
    let expr = CronExpr::parse("0 2 * * *").unwrap();
    let expected = |from| expr.fire_times_after(from, &zone).take(5).map(|t| format!("<li>{}</li>", riga.datetime(t))).collect::<String>();
    let shown: String = element(&html, "ol", "fire-times").split_once('>').unwrap().1.split_whitespace().collect::<Vec<_>>().join(" ");
    let shown = shown.replace("> <", "><");
    assert!(shown == expected(before) || shown == expected(now()), "the next five in Riga's time: {shown} vs {}", expected(before));
    assert!(shown.contains("02:00 EE"), "written in the task's zone (EET or EEST): {shown}");
    assert!(html.contains("Next five runs (Europe/Riga)"));
    assert!(html.contains("Waiting for its first ping"), "its status in words");
    assert!(element(&html, "dl", "ping-urls").len() > 100);
}

#[tokio::test]
async fn pings_through_the_ping_url_show_as_runs_with_durations_exit_statuses_and_logs() {
    let at = Installation::new().await;
    let path = backup(&at).await;
    let task = at.deps.stores.tasks.list(at.tenant, &Default::default()).await.unwrap().items.remove(0);
    let ping = format!("/ping/{}", task.task.token);
    let start = at.call(Method::POST, &format!("{ping}/start"), &[], "").await;
    assert_eq!(start.status, StatusCode::OK);
    let done = at.call(Method::POST, &format!("{ping}/0"), &[("content-type", "text/plain")], "dumped 42 tables <ok>").await;
    assert_eq!(done.status, StatusCode::OK);
    let failed = at.call(Method::POST, &format!("{ping}/3"), &[("content-type", "text/plain")], "disk full").await;
    assert_eq!(failed.status, StatusCode::OK);
    let html = at.get(&path, &at.owner).await.text();
    let runs = element(&html, "table", "runs");
    assert!(runs.contains("Completed") && runs.contains("Failed"), "{runs}");
    assert!(runs.contains("dumped 42 tables &#60;ok&#62;"), "the run's log, escaped: {runs}");
    assert!(runs.contains("The job exited with status 3."), "the failure's reason in words");
    assert!(runs.contains(">0<") && runs.contains(">3<"), "exit statuses");
    assert!(runs.contains(" ms<") || runs.contains(" s<"), "a duration: {runs}");
    let pings = element(&html, "table", "pings");
    assert!(pings.contains("Start") && pings.contains("Exit status 0") && pings.contains("Exit status 3"), "{pings}");
    assert!(html.contains("Down: the last run failed. The job exited with status 3."), "the status in words");

    at.speak(&at.owner, Locale::Fr, "Europe/Paris").await;
    let french = at.get(&path, &at.owner).await.text();
    assert!(french.contains("En panne : la dernière exécution a échoué. La tâche s&#39;est terminée avec le code 3."), "in French");
    assert!(french.contains("Cinq prochaines exécutions (Europe/Riga)"));
}

#[tokio::test]
async fn the_overview_shows_a_tasks_last_runs_duration_and_uptime() {
    let at = Installation::new().await;
    backup(&at).await;
    let task = at.deps.stores.tasks.list(at.tenant, &Default::default()).await.unwrap().items.remove(0);
    let ping = format!("/ping/{}", task.task.token);
    for path in ["start", "0", "start", "3"] {
        assert_eq!(at.call(Method::POST, &format!("{ping}/{path}"), &[], "").await.status, StatusCode::OK);
    }
    let html = at.get("/", &at.owner).await.text();
    let row = html.split("Nightly backup</a>").nth(1).unwrap().split("</tr>").next().unwrap().to_owned();
    assert!(row.contains("data-label=\"Last 50 runs\"") && row.contains("aria-label=\"Last runs: 1 ok, 1 failed\""), "{row}");
    assert!(
        row.contains("<path class=\"up\" d=\"M0 0h3v16h-3z\"/><path class=\"down\" d=\"M4 0h3v16h-3z\"/>"),
        "one path per outcome: {row}"
    );
    assert!(row.contains("<polyline points=") && row.contains("data-label=\"Run duration\""), "the duration sparkline: {row}");
    assert!(row.contains("50.00 %"), "half the runs went well: {row}");
    assert!(row.contains("✕</span> Down"), "the status in words and glyph: {row}");
}

#[tokio::test]
async fn a_bad_task_form_is_shown_again_with_each_fields_error_and_nothing_made() {
    let at = Installation::new().await;
    let mut fields = BACKUP.to_vec();
    fields.retain(|(name, _)| !matches!(*name, "name" | "cron" | "grace"));
    fields.extend([("name", ""), ("cron", "61 * * * *"), ("grace", "soon")]);
    let refused = at.post("/tasks", &at.owner, &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text();
    assert!(html.contains("id=\"grace-error\"") && html.contains("Type a whole number above zero."), "the length is checked first");
    let fields: Vec<(&str, &str)> = fields.into_iter().map(|(n, v)| if n == "grace" { (n, "30") } else { (n, v) }).collect();
    let refused = at.post("/tasks", &at.owner, &fields).await;
    let html = refused.text();
    assert!(html.contains("id=\"name-error\"") && html.contains("This is required."), "{html}");
    assert!(element(&html, "p", "cron-error").contains("The minute field 61 is not valid."));
    assert!(html.contains("value=\"61 * * * *\""), "what was typed stays");
    assert!(at.deps.stores.tasks.list(at.tenant, &Default::default()).await.unwrap().items.is_empty(), "nothing made");

    at.speak(&at.owner, Locale::Fr, "Europe/Paris").await;
    let french = at.post("/tasks", &at.owner, &fields).await.text();
    assert!(element(&french, "p", "cron-error").contains("Le champ minute 61 n&#39;est pas valide."), "in French");

    at.task(serde_json::json!({"name": "Taken", "slug": "nightly-backup"})).await;
    let taken = at.post("/tasks", &at.owner, BACKUP).await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(element(&taken.text(), "p", "slug-error").contains("nightly-backup"));
}

#[tokio::test]
async fn editing_pausing_resuming_and_a_confirmed_delete() {
    let at = Installation::new().await;
    let path = backup(&at).await;
    let form = at.get(&format!("{path}/edit"), &at.owner).await.text();
    assert!(form.contains("value=\"0 2 * * *\"") && form.contains("value=\"Europe/Riga\""), "the form holds the task");
    let mut fields = BACKUP.to_vec();
    fields.retain(|(name, _)| !matches!(*name, "schedule" | "period" | "period_unit"));
    fields.extend([("schedule", "period"), ("period", "6"), ("period_unit", "h")]);
    let saved = at.post(&format!("{path}/edit"), &at.owner, &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let html = at.get(&saved.location(), &at.owner).await.text();
    assert!(html.contains("The task was saved.") && html.contains("Every 6 h"), "the new schedule");
    assert!(html.contains("0 */6 * * * /path/to/job"), "a crontab line for the period");
    assert!(!html.contains("id=\"fire-times\""), "fire times belong to cron schedules");

    let paused = at.post(&format!("{path}/pause"), &at.owner, &[]).await;
    assert_eq!(paused.status, StatusCode::SEE_OTHER);
    let html = at.get(&paused.location(), &at.owner).await.text();
    assert!(html.contains("Paused") && html.contains("/resume\""), "paused, with a resume button");
    at.post(&format!("{path}/resume"), &at.owner, &[]).await;
    assert!(at.get(&path, &at.owner).await.text().contains("/pause\""), "watched again");

    let confirm = at.get(&format!("{path}/delete"), &at.owner).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.text().contains("Delete Nightly backup? Its runs and pings go with it"), "asked first");
    let deleted = at.post(&format!("{path}/delete"), &at.owner, &[]).await;
    assert_eq!(deleted.location(), "/tasks?notice=task_deleted");
    assert_eq!(at.get(&path, &at.owner).await.status, StatusCode::NOT_FOUND);
    assert!(at.get("/tasks?notice=task_deleted", &at.owner).await.text().contains("No heartbeat task yet."));
}

#[tokio::test]
async fn a_managed_task_says_so_and_keeps_its_mark_when_edited_here() {
    let at = Installation::new().await;
    let task = at.task(serde_json::json!({"name": "Sync", "period_seconds": 600, "managed": {"source": "prod", "key": "sync"}})).await;
    let path = format!("/tasks/{}", task.task.id);
    assert!(at.get("/tasks", &at.owner).await.text().contains("Managed as code"));
    assert!(at.get(&path, &at.owner).await.text().contains("Managed as code by prod (as sync)"));
    let form = at.get(&format!("{path}/edit"), &at.owner).await.text();
    assert!(form.contains("the next apply of that file overwrites what you change here"));
    let fields =
        [("name", "Sync 2"), ("schedule", "period"), ("period", "10"), ("period_unit", "min"), ("grace", "1"), ("grace_unit", "h")];
    assert_eq!(at.post(&format!("{path}/edit"), &at.owner, &fields).await.status, StatusCode::SEE_OTHER);
    let stored = at.deps.stores.tasks.get(at.tenant, task.task.id).await.unwrap().unwrap();
    assert_eq!((stored.task.spec.name.as_str(), stored.task.spec.managed.map(|m| m.key)), ("Sync 2", Some("sync".to_owned())));
}

#[tokio::test]
async fn a_viewer_and_a_responder_see_no_task_controls_and_are_refused_anyway() {
    let at = Installation::new().await;
    let path = backup(&at).await;
    for browser in [&at.viewer, &at.responder] {
        let list = at.get("/tasks", browser).await.text();
        assert!(list.contains("Nightly backup") && !list.contains("/tasks/new"), "the list without the new-task link");
        let page = at.get(&path, browser).await.text();
        assert!(!page.contains("/edit\"") && !page.contains("/pause\"") && !page.contains("/delete\""), "no controls");
        assert!(page.contains("token-success"), "the ping URLs are there to read");
        assert_eq!(at.get("/tasks/new", browser).await.status, StatusCode::FORBIDDEN);
        assert_eq!(at.get(&format!("{path}/delete"), browser).await.status, StatusCode::FORBIDDEN);
        assert_eq!(at.post("/tasks", browser, BACKUP).await.status, StatusCode::FORBIDDEN);
        assert_eq!(at.post(&format!("{path}/pause"), browser, &[]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(at.post(&format!("{path}/delete"), browser, &[]).await.status, StatusCode::FORBIDDEN);
    }
    assert_eq!(at.deps.stores.tasks.list(at.tenant, &Default::default()).await.unwrap().items.len(), 1, "nothing made or deleted");
    assert!(at.get(&path, &at.owner).await.text().contains("/pause\""), "and not paused");
    let forged = at.call(Method::POST, &format!("{path}/delete"), &[("cookie", at.owner.cookie.as_str())], "").await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "no CSRF token, no delete");
}

#[tokio::test]
async fn a_task_named_like_a_script_shows_as_text() {
    let at = Installation::new().await;
    let task = at.task(serde_json::json!({"name": "<script>alert(1)</script>"})).await;
    for path in ["/tasks".to_owned(), format!("/tasks/{}", task.task.id), format!("/tasks/{}/edit", task.task.id)] {
        let answer = at.get(&path, &at.owner).await;
        assert_safe(&path, &answer);
        assert!(answer.text().contains("&#60;script&#62;alert(1)&#60;/script&#62;"), "{path}");
    }
    assert_eq!(at.get("/tasks/not-an-id", &at.owner).await.status, StatusCode::NOT_FOUND);
}
