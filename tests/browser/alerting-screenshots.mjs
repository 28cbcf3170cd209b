// Screenshots of a heartbeat task's page, an incident's page and the channels page into
// SCREENSHOTS_DIR (docs/screenshots), each in English light at 1280 px, English dark at a
// phone's 390 px, French light at 390 px and French dark at 1280 px. Started by `cargo test -p
// vigil-tests --test browser -- --ignored alerting_screenshots` against a fresh `vigil serve`
// (VIGIL_URL), which it fills first: a task with runs and pings, channels of several kinds, an
// alert rule, and a monitor whose outage was acknowledged and commented on.
import { launch, check } from "./lib.mjs";
import { createServer } from "node:http";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const base = process.env.VIGIL_URL;
const out = process.env.SCREENSHOTS_DIR;
if (!base || !out) throw new Error("VIGIL_URL and SCREENSHOTS_DIR must be set");
mkdirSync(out, { recursive: true });

const OWNER = { name: "Ann Owner", email: "ann@example.com", password: "correct horse battery staple" };
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

async function listen(handler) {
  const server = createServer(handler);
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${server.address().port}` };
}
const target = { status: 503 };
const api = await listen((req, res) => {
  res.writeHead(target.status, { "content-type": "application/json" });
  res.end(target.status === 200 ? '{"ok":true}' : '{"error":"database unavailable"}');
});
const receiver = await listen((req, res) => {
  req.resume();
  req.on("end", () => {
    res.writeHead(204);
    res.end();
  });
});

const browser = await launch();

async function session(viewport, colorScheme) {
  const context = await browser.newContext({ viewport, colorScheme, locale: "en-GB", deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

async function call(page, method, path, data) {
  const csrf = await page.locator("input[name=csrf]").first().inputValue();
  const response = await page.request.fetch(`${base}${path}`, { method, data, headers: { "X-CSRF-Token": csrf } });
  check(response.ok(), `${method} ${path}: ${response.status()} ${await response.text()}`);
  return response.json();
}

async function form(page, path, fields) {
  const csrf = await page.locator("input[name=csrf]").first().inputValue();
  const response = await page.request.post(`${base}${path}`, { form: { csrf, ...fields }, maxRedirects: 0 });
  check([200, 303].includes(response.status()), `POST ${path}: ${response.status()} ${await response.text()}`);
  return response;
}

// The installation.
const setup = await session(DESKTOP, "light");
await setup.goto(`${base}/setup`);
await setup.locator("#name").fill(OWNER.name);
await setup.locator("#email").fill(OWNER.email);
await setup.locator("#password").fill(OWNER.password);
await setup.locator("#organisation").fill("Acme Operations");
await setup.locator("form.stack button[type=submit]").click();
await setup.waitForURL(`${base}/`);
await setup.goto(`${base}/settings/profile`);
await form(setup, "/settings/profile", { name: OWNER.name, locale: "en", time_zone: "Europe/Paris" });
await setup.goto(`${base}/channels`);

const task = await call(setup, "POST", "/v1/tasks", {
  name: "Nightly database backup", slug: "nightly-db-backup", cron: "30 2 * * *", timezone: "Europe/Paris", grace_seconds: 1800, max_run_seconds: 7200,
});
await call(setup, "POST", "/v1/tasks", { name: "Invoice export", period_seconds: 3600, grace_seconds: 600 });
const ping = task.ping_url.replace(/^https?:\/\/[^/]+/, base);
for (const [kind, body] of [["start", ""], ["0", "pg_dump: 42 tables, 1.3 GB\nuploaded to s3://backups/2026-12-04.sql.gz"], ["start", ""], ["1", "pg_dump: error: connection to server failed: FATAL: too many connections"], ["start", ""], ["0", "pg_dump: 42 tables, 1.3 GB\nuploaded to s3://backups/2026-12-05.sql.gz"]]) {
  const answer = await fetch(`${ping}/${kind}`, { method: "POST", body: body || undefined });
  check(answer.ok, `ping ${kind}`);
  await new Promise((resolve) => setTimeout(resolve, 350));
}

for (const fields of [
  { kind: "webhook", name: "Ops webhook", url: `${receiver.url}/vigil`, secret: "" },
  { kind: "slack", name: "Slack #incidents", url: "http://127.0.0.1:9/services/T000/B000/XXXXXXXX" },
  { kind: "email", name: "On-call mail", to: "oncall@example.com\nsre@example.com" },
  { kind: "pagerduty", name: "PagerDuty primary", routing_key: "R0123456789abcdef0123456789abcd" },
]) {
  await setup.goto(`${base}/channels`);
  await form(setup, "/channels", fields);
}
const channels = await call(setup, "GET", "/v1/channels");
const ids = Object.fromEntries(channels.items.map((c) => [c.name, c.id]));
await call(setup, "POST", "/v1/alert-rules", {
  name: "Production", select: { all: true }, channels: [ids["Ops webhook"], ids["Slack #incidents"]],
  escalation: [{ after_seconds: 900, channels: [ids["PagerDuty primary"]] }],
});

const monitor = await call(setup, "POST", "/v1/monitors", {
  name: "Checkout API", url: `${api.url}/health`, interval_seconds: 86400, failure_threshold: 1, recovery_threshold: 3,
});
await call(setup, "POST", `/v1/monitors/${monitor.id}/check`);
let incident;
for (let i = 0; i < 60 && !incident; i++) {
  // The monitor's incident: the backup task's failed run opened (and its next run resolved) one
  // of its own before, which can be listed first.
  const listed = await call(setup, "GET", "/v1/incidents");
  incident = listed.items.find((i) => i.subject.kind === "monitor" && i.subject.id === monitor.id);
  if (!incident) await setup.waitForTimeout(250);
}
check(incident, "an incident opened");
await setup.goto(`${base}/incidents/${incident.id}`);
await setup.getByRole("button", { name: "Acknowledge" }).click();
await setup.waitForURL(/notice=acknowledged/);
await setup.locator("#text").fill("The database refuses connections: the pool is exhausted. Restarting the workers.");
await setup.locator("form[action$='/comment'] button[type=submit]").click();
await setup.waitForURL(/notice=commented/);
// The Slack channel's retries run out in a few seconds; the delivery log then shows both ends.
await setup.waitForTimeout(6000);
await setup.context().close();

const shots = [
  ["task", `/tasks/${task.id}`],
  ["incident", `/incidents/${incident.id}`],
  ["channels", "/channels"],
];
const combinations = [
  ["en", "light", "desktop", DESKTOP],
  ["en", "dark", "phone", PHONE],
  ["fr", "light", "phone", PHONE],
  ["fr", "dark", "desktop", DESKTOP],
];
let taken = 0;
for (const [language, scheme, width, viewport] of combinations) {
  const page = await session(viewport, scheme);
  await page.goto(`${base}/sign-in`);
  await page.locator("#email").fill(OWNER.email);
  await page.locator("#password").fill(OWNER.password);
  await page.locator("form.stack button[type=submit]").click();
  await page.waitForURL(`${base}/`);
  if ((await page.getAttribute("html", "lang")) !== language) {
    await page.locator(`button[name=language][value=${language}]`).click();
    await page.waitForURL(`${base}/`);
  }
  for (const [name, path] of shots) {
    await page.goto(`${base}${path}`);
    if (name === "task") await page.locator("#runs details.log").first().evaluate((d) => d.setAttribute("open", ""));
    if (name === "channels") {
      const row = page.locator("#channels tr", { hasText: "Ops webhook" });
      await row.locator("form[action$='/test'] button").click();
      await row.locator("[id^=outcome-]:not([hidden])").waitFor();
    }
    await page.waitForLoadState("load");
    await page.screenshot({ path: join(out, `${name}-${language}-${scheme}-${width}.png`), fullPage: true });
    taken++;
  }
  await page.context().close();
}
await browser.close();
api.server.close();
receiver.server.close();
console.log(`${taken} screenshots in ${out}`);
