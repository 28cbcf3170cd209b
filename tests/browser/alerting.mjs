// The pages of heartbeat tasks, incidents and notifications in real headless Chromium, against
// a fresh `vigil serve` (VIGIL_URL) started by tests/tests/browser.rs. The scenarios run in
// order on one installation: the owner set up first makes what the later ones look at. A
// failing scenario leaves a screenshot and the page's HTML in ARTIFACTS_DIR.
import { launch, open as openPage, track, runScenarios, check } from "./lib.mjs";
import { createServer } from "node:http";
import { createHmac } from "node:crypto";

const base = process.env.VIGIL_URL;
const artifacts = process.env.ARTIFACTS_DIR || "browser-artifacts";
if (!base) throw new Error("VIGIL_URL is not set");

const OWNER = { name: "Olga Owner", email: "olga@example.com", password: "correct horse battery staple" };
const RESPONDER = { name: "Rita Responder", email: "rita@example.com", password: "a long unrelated passphrase" };
const VIEWER = { name: "Victor Viewer", email: "victor@example.com", password: "another long passphrase" };
const state = {};

const browser = await launch();

const open = (options) => openPage(browser, options);

async function heading(page) {
  return (await page.locator("h1").first().textContent()).trim();
}

// A local HTTP server answering `state.status` and recording what it receives.
async function server(handler) {
  const srv = createServer(handler);
  await new Promise((resolve) => srv.listen(0, "127.0.0.1", resolve));
  return { srv, url: `http://127.0.0.1:${srv.address().port}` };
}

const target = { status: 500 };
const { srv: targetServer, url: targetUrl } = await server((req, res) => {
  res.writeHead(target.status, { "content-type": "text/plain" });
  res.end(target.status === 200 ? "fine" : "broken");
});
const received = [];
const { srv: receiverServer, url: receiverUrl } = await server((req, res) => {
  let body = "";
  req.on("data", (chunk) => (body += chunk));
  req.on("end", () => {
    received.push({ headers: req.headers, body });
    res.writeHead(200);
    res.end("ok");
  });
});

// The session's CSRF token, as the page's forms carry it (the API wants it in a header).
async function csrf(page) {
  return page.locator("input[name=csrf]").first().inputValue();
}

// An API call made with the page's session.
async function api(page, method, path, data) {
  const token = await csrf(page);
  const response = await page.request.fetch(`${base}${path}`, { method, data, headers: { "X-CSRF-Token": token } });
  check(response.ok(), `${method} ${path}: ${response.status()} ${await response.text()}`);
  return response.json();
}

// Invites `who` with `role` as the owner; their signed-in page.
async function invite(who, role) {
  const owner = state.owner;
  await owner.goto(`${base}/settings/members`);
  await owner.locator("#email").fill(who.email);
  await owner.locator("#invite-role").selectOption(role);
  await owner.locator("form[action$='/settings/members/invite'] button[type=submit]").click();
  const link = (await owner.locator("#invitation-link").textContent()).trim().replace(/^https?:\/\/[^/]+/, base);
  const page = await open();
  await page.goto(link);
  await page.locator("#name").fill(who.name);
  await page.locator("#password").fill(who.password);
  await page.locator("form.stack button[type=submit]").click();
  await page.waitForURL(`${base}/`);
  return page;
}

// Waits for `probe` to be true, reloading `page` between looks.
async function until(page, probe, what, seconds = 15) {
  for (let i = 0; i < seconds * 4; i++) {
    if (await probe()) return;
    await page.waitForTimeout(250);
    await page.reload();
  }
  throw new Error(`waited ${seconds} s for ${what}`);
}

const tests = [
  ["the owner is set up", async () => {
    const page = await open();
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
    await page.goto(`${base}/setup`);
    await page.getByLabel("Your name").fill(OWNER.name);
    await page.getByLabel("Email").fill(OWNER.email);
    await page.getByLabel("Password").fill(OWNER.password);
    await page.getByLabel("Organisation name (optional)").fill("Acme");
    await page.getByRole("button", { name: "Create the owner's account" }).click();
    await page.waitForURL(`${base}/`);
    state.owner = page;
    return page;
  }],

  ["a task made in its form shows its ping URL and next fire times, and a ping shows as a run", async () => {
    const page = track(state.owner);
    await page.goto(`${base}/`);
    await page.getByRole("link", { name: "Tasks", exact: true }).click();
    await page.getByRole("link", { name: "New task" }).click();
    await page.getByLabel("Name", { exact: true }).fill("Nightly backup");
    await page.getByLabel("Slug (optional)").fill("nightly-backup");
    await page.getByLabel("A run at the times of a cron expression").check();
    await page.getByLabel("Cron expression", { exact: true }).fill("30 3 * * *");
    await page.getByLabel("Time zone", { exact: true }).fill("Europe/Riga");
    await page.getByRole("button", { name: "Create the task" }).click();
    await page.waitForURL(/\/tasks\/[0-9a-f-]+\?notice=task_created/);
    check((await heading(page)) === "Nightly backup", `heading: ${await heading(page)}`);
    const url = (await page.locator("#token-success").textContent()).trim();
    check(/\/ping\/[0-9a-f-]{36}$/.test(url), `the ping URL: ${url}`);
    check((await page.locator("#slug-success").textContent()).trim().endsWith("/nightly-backup"), "the URL by slug");
    const times = await page.locator("#fire-times li").allTextContents();
    check(times.length === 5 && times.every((t) => / 03:30 EE[SD]?T$/.test(t.trim())), `five fire times at 03:30 Riga time: ${times}`);
    check((await page.locator("#fire-times-title").textContent()).includes("Europe/Riga"), "in the task's zone");
    check((await page.locator("#snippet-crontab").textContent()).startsWith(`30 3 * * * /path/to/job && curl -fsS -m 10 --retry 5 -o /dev/null ${url}`), "the crontab line");
    await page.locator("button[data-copy='token-success']").click();
    check((await page.evaluate(() => navigator.clipboard.readText())) === url, "the copy button copies the URL");

    const ping = url.replace(/^https?:\/\/[^/]+/, base);
    check((await fetch(`${ping}/start`, { method: "POST" })).ok, "the start ping is taken");
    const done = await fetch(`${ping}/0`, { method: "POST", body: "42 tables dumped\n<all good>" });
    check(done.ok && (await done.text()) === "OK", "the exit status ping is taken");
    await page.reload();
    const runs = await page.locator("#runs").textContent();
    check(runs.includes("Completed") && runs.includes("Exit status") , `the run: ${runs}`);
    await page.locator("#runs details.log summary").first().click();
    check((await page.locator("#runs details.log pre").first().textContent()) === "42 tables dumped\n<all good>", "its log, as text");
    check((await page.locator("#task-summary").textContent()).startsWith("Up: the last run succeeded."), "the task is up");
    check((await page.locator("#pings").textContent()).includes("Exit status 0"), "the pings");
    state.task = page.url().split("?")[0];
    return page;
  }],

  ["a webhook channel pointing at a receiver: a test is delivered, its outcome shown in place", async () => {
    const page = track(state.owner);
    await page.goto(`${base}/channels`);
    await page.getByRole("link", { name: "New channel" }).click();
    await page.getByRole("link", { name: /^Webhook/ }).click();
    await page.getByLabel("Name", { exact: true }).fill("Receiver");
    await page.getByLabel("Webhook URL").fill(`${receiverUrl}/hook`);
    await page.getByRole("button", { name: "Create the channel" }).click();
    const secret = (await page.locator("#new-secret").textContent()).trim();
    check(secret.startsWith("whsec_"), "the signing secret made for it is shown once");
    await page.goto(`${base}/channels`);
    check(!(await page.content()).includes(secret), "and not again");
    check((await page.locator("#channels").textContent()).includes("Signing secret set"), "only that one is set");

    await page.evaluate(() => { window.samePage = true; });
    const row = page.locator("#channels tr", { hasText: "Receiver" });
    await row.getByRole("button", { name: /Send a test/ }).click();
    const outcome = row.locator("[id^=outcome-]");
    await outcome.filter({ hasText: "Delivered" }).waitFor();
    check((await outcome.textContent()).includes("Delivered (HTTP 200)."), `the outcome: ${await outcome.textContent()}`);
    check(await page.evaluate(() => window.samePage === true), "shown in place, without a page load");
    check(received.length === 1, `the receiver got one message (${received.length})`);
    const message = received[0];
    const key = Buffer.from(secret.slice("whsec_".length), "base64");
    const signed = createHmac("sha256", key).update(`${message.headers["webhook-id"]}.${message.headers["webhook-timestamp"]}.${message.body}`).digest("base64");
    check(message.headers["webhook-signature"] === `v1,${signed}`, "signed with the secret shown");
    return page;
  }],

  ["an escalation step is added and removed without script", async () => {
    const page = await open({ javaScriptEnabled: false });
    await page.context().addCookies(await state.owner.context().cookies());
    await page.goto(`${base}/rules/new`);
    await page.getByLabel("Name", { exact: true }).fill("On call");
    await page.getByLabel("Everything").check();
    await page.locator("#rule-channels").getByLabel("Receiver").check();
    await page.getByRole("button", { name: "Add a step" }).click();
    await page.getByRole("button", { name: "Add a step" }).click();
    check((await page.locator(".step").count()) === 2, "two steps");
    check((await page.getByLabel("Name", { exact: true }).inputValue()) === "On call", "what was typed stays");
    await page.locator("#step_after_0").fill("10");
    await page.locator("#step-1").getByLabel("Receiver").check();
    await page.getByRole("button", { name: "Remove step 2" }).click();
    check((await page.locator(".step").count()) === 1, "one step left");
    check((await page.locator("#step_after_0").inputValue()) === "10", "the first step kept its delay");
    await page.locator("#rule-form .actions button[type=submit]").click();
    await page.waitForURL(`${base}/rules?notice=rule_saved`);
    check((await page.locator("#rules").textContent()).includes("after 10 min: Receiver"), "saved with its step");
    return page;
  }],

  ["a responder acknowledges, is refused resolving while the monitor is down, and resolves", async () => {
    const owner = track(state.owner);
    await owner.goto(`${base}/channels`);
    const monitor = await api(owner, "POST", "/v1/monitors", {
      name: "Checkout API", url: `${targetUrl}/health`, interval_seconds: 86400, failure_threshold: 1, recovery_threshold: 5,
    });
    state.monitor = monitor;
    await api(owner, "POST", `/v1/monitors/${monitor.id}/check`);
    state.responder = await invite(RESPONDER, "responder");
    const page = track(state.responder);
    await page.goto(`${base}/incidents`);
    await until(page, async () => (await page.locator("#incidents").count()) === 1, "the incident to open");
    await page.locator("#incidents").getByRole("link", { name: "Checkout API" }).click();
    check((await heading(page)) === "Incident: Checkout API", `heading: ${await heading(page)}`);
    state.incident = page.url().split("?")[0];
    await page.getByRole("button", { name: "Acknowledge" }).click();
    await page.waitForURL(/notice=acknowledged/);
    check((await page.locator("#timeline").textContent()).includes("Acknowledged by Rita Responder."), "in the timeline");

    await page.getByLabel("Note (optional)").fill("restarted the pods");
    await page.getByRole("button", { name: "Resolve" }).click();
    const refusal = await page.locator(".errors").textContent();
    check(refusal.includes("The monitor is still down"), `the server's words: ${refusal}`);
    check((await page.getByLabel("Note (optional)").inputValue()) === "restarted the pods", "the note stays");

    await page.getByLabel("Comment").fill("Pods restarted; watching.");
    await page.getByRole("button", { name: "Add the comment" }).click();
    await page.waitForURL(/notice=commented/);

    target.status = 200;
    await owner.goto(`${base}/channels`);
    const after = await api(owner, "POST", `/v1/monitors/${monitor.id}/check`);
    check(after.status === "recovering", `one success: recovering (${after.status})`);
    await page.goto(state.incident);
    await page.getByLabel("Note (optional)").fill("restarted the pods");
    await page.getByRole("button", { name: "Resolve" }).click();
    await page.waitForURL(/notice=resolved/);
    check((await page.locator(".heading .state").textContent()).includes("Resolved"), "resolved");
    check((await page.locator("#timeline").textContent()).includes("Resolved by Rita Responder."), "by the responder");
    check((await page.getByRole("button", { name: "Acknowledge" }).count()) === 0, "nothing left to acknowledge");
    const refused = await page.request.post(`${base}/tasks`, { form: { csrf: await csrf(page), name: "x", grace: "1", grace_unit: "h", period: "1", period_unit: "d" }, maxRedirects: 0 });
    check(refused.status() === 403, `a responder makes no task: ${refused.status()}`);
    return page;
  }],

  ["a viewer reads the incident without controls, and is refused anyway", async () => {
    state.viewer = await invite(VIEWER, "viewer");
    const page = track(state.viewer);
    await page.goto(state.incident);
    check((await heading(page)) === "Incident: Checkout API", "the incident");
    check((await page.locator("#timeline").textContent()).includes("Pods restarted; watching."), "the comment");
    check((await page.locator("#respond").count()) === 0 && (await page.locator("main form").count()) === 0, "no controls");
    const refused = await page.request.post(`${state.incident}/comment`, { form: { csrf: await csrf(page), text: "hi" }, maxRedirects: 0 });
    check(refused.status() === 403, `a viewer's comment is refused: ${refused.status()}`);
    await page.goto(state.task);
    check((await page.getByRole("link", { name: "Edit" }).count()) === 0, "no edit link on a task");
    await page.goto(`${base}/channels`);
    check((await page.getByRole("button", { name: /Send a test/ }).count()) === 0, "no test button");
    return page;
  }],

  ["in French", async () => {
    const page = track(state.owner);
    await page.goto(state.task);
    await page.getByRole("button", { name: "FR", exact: true }).click();
    await page.waitForURL(state.task);
    check((await page.getAttribute("html", "lang")) === "fr", "html lang is fr");
    check((await page.locator("#fire-times-title").textContent()).startsWith("Cinq prochaines exécutions"), "the task page in French");
    check((await page.locator("header nav").textContent()).includes("Tâches"), "the navigation too");
    check((await page.locator("#fire-times li").first().textContent()).includes(" à 03:30 "), "dates written as French does");
    await page.goto(state.incident);
    check((await page.locator("#timeline-title").textContent()) === "Chronologie", "the incident page in French");
    check((await page.locator("#timeline").textContent()).includes("Résolu par Rita Responder."), "its timeline too");
    await page.goto(`${base}/channels`);
    check((await heading(page)) === "Canaux", "the channels page");
    await page.getByRole("button", { name: "EN", exact: true }).click();
    await page.waitForURL(`${base}/channels`);
    return page;
  }],

  ["these pages fit a 360 px screen and break no Content-Security-Policy", async () => {
    const cookies = await state.owner.context().cookies();
    const page = await open({ viewport: { width: 360, height: 740 } });
    await page.context().addCookies(cookies);
    const paths = ["/tasks", state.task.replace(base, ""), "/tasks/new", "/incidents", state.incident.replace(base, ""), "/channels", "/channels/new?kind=webhook", "/rules", "/rules/new", "/windows", "/windows/new", "/mutes"];
    for (const path of paths) {
      await page.goto(`${base}${path}`);
      const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
      check(scroll <= width, `${path} is ${scroll} px wide on a ${width} px screen`);
    }
    check(page.violations.length === 0, `violations: ${page.violations.join("; ")}`);
    return page;
  }],
];

const failed = await runScenarios(tests, artifacts, "alerting ");
await browser.close();
targetServer.close();
receiverServer.close();
process.exit(failed ? 1 : 0);
