// Public status pages in real headless Chromium. Started by tests/tests/browser.rs against a
// fresh `vigil serve` (VIGIL_URL), which it fills first: a page with a group, components fed by
// monitors of a local target (one of them failing) and a public incident; a password page.
// Takes screenshots of the page with its ongoing incident in English and French, light and
// dark, desktop and phone, into STATUS_SCREENSHOTS_DIR (docs/screenshots when remade on
// purpose) or else under ARTIFACTS_DIR.
import { launch, open as openPage, runScenarios, check } from "./lib.mjs";
import { createServer } from "node:http";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const base = process.env.VIGIL_URL;
const artifacts = process.env.ARTIFACTS_DIR || "browser-artifacts";
if (!base) throw new Error("VIGIL_URL is not set");
const shots = process.env.STATUS_SCREENSHOTS_DIR || join(artifacts, "status-pages");
mkdirSync(shots, { recursive: true });

const OWNER = { name: "Ann Owner", email: "ann@example.com", password: "correct horse battery staple" };
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

const target = createServer((request, response) => {
  const failing = request.url.startsWith("/api");
  response.writeHead(failing ? 503 : 200, { "content-type": "text/plain" });
  response.end(failing ? "unavailable" : "ok");
});
await new Promise((done) => target.listen(0, "127.0.0.1", done));
const origin = `http://127.0.0.1:${target.address().port}`;

const browser = await launch();
const open = (options) => openPage(browser, options);

async function call(page, method, path, data) {
  const csrf = await page.locator("input[name=csrf]").first().inputValue();
  const response = await page.request.fetch(`${base}${path}`, { method, data, headers: { "X-CSRF-Token": csrf } });
  check(response.ok(), `${method} ${path}: ${response.status()} ${await response.text()}`);
  return response.json();
}

// The installation: the owner, three monitors, the page "acme" and the password page "internal".
const setup = await open({ viewport: DESKTOP });
await setup.goto(`${base}/setup`);
await setup.locator("#name").fill(OWNER.name);
await setup.locator("#email").fill(OWNER.email);
await setup.locator("#password").fill(OWNER.password);
await setup.locator("#organisation").fill("Acme Operations");
await setup.locator("form.stack button[type=submit]").click();
await setup.waitForURL(`${base}/`);
const monitor = async (name, path) =>
  call(setup, "POST", "/v1/monitors", { name, url: `${origin}${path}`, interval_seconds: 86400, failure_threshold: 1, recovery_threshold: 2 });
const api = await monitor("Checkout API health", "/api/health");
const web = await monitor("Storefront", "/");
const docs = await monitor("Docs site", "/docs");
const page = await call(setup, "POST", "/v1/status-pages", {
  name: "Acme Status", slug: "acme", description: "The state of Acme's shop, API and payments, live.", time_zone: "Europe/Paris",
});
const add = async (draft) => (await call(setup, "POST", `/v1/status-pages/${page.id}/components`, draft)).component_id;
const europe = await add({ name: "Europe", group: true, description: "Our Frankfurt and Paris regions" });
const checkout = await add({ name: "Checkout API", group_id: europe, monitors: [api.id] });
await add({ name: "Storefront", group_id: europe, monitors: [web.id] });
await add({ name: "Documentation", monitors: [docs.id] });
await add({ name: "Payments", status: "degraded_performance", description: "Card payments through our provider" });
for (const m of [api, web, docs]) await call(setup, "POST", `/v1/monitors/${m.id}/check`);
await call(setup, "POST", `/v1/status-pages/${page.id}/incidents`, {
  name: "Checkout errors", status: "identified", notify: false,
  body: "Orders fail with an error at the payment step. A faulty deploy is being rolled back.",
  components: { [checkout]: "major_outage" },
});
await call(setup, "POST", "/v1/status-pages", { name: "Internal tools", slug: "internal", access: "password", password: "open sesame" });
await setup.context().close();

// Waits until the page shows the failing check (the check runs in the background).
async function ready(reader, path) {
  for (let i = 0; i < 40; i++) {
    await reader.goto(`${base}${path}`);
    const banner = (await reader.locator("#banner").textContent()).trim();
    if (!banner.startsWith("All systems") && !banner.startsWith("Tous les")) return banner;
    await reader.waitForTimeout(250);
  }
  throw new Error("the page never showed the outage");
}

const tests = [
  ["an anonymous reader sees the outage, the incident and each component's 90 days", async () => {
    const reader = await open({ viewport: DESKTOP, colorScheme: "light" });
    const banner = await ready(reader, "/status/acme");
    check(banner.includes("Major system outage"), `banner: ${banner}`);
    const incident = await reader.locator("#open-incidents").textContent();
    check(incident.includes("Checkout errors") && incident.includes("Identified") && incident.includes("Affects Checkout API"), incident);
    check((await reader.locator("#components ol.days").count()) === 5, "a bar per component and group");
    check((await reader.locator("h3.component-name", { hasText: "Payments" }).locator("xpath=..").textContent()).includes("Degraded performance"), "a state set by hand");
    check(!(await reader.content()).includes("Checkout API health"), "no monitor name leaks");
    // Today's cell of the group's bar says its figure and names the incident on keyboard focus.
    const today = reader.locator('ol.days[aria-label^="Europe"] li').last();
    await today.focus();
    await today.hover();
    const said = await today.evaluate((cell) => getComputedStyle(cell, "::after").content);
    check(said.includes("Checkout errors"), `the focused day says: ${said}`);
    await reader.screenshot({ path: join(shots, "status-page-en-light-desktop.png"), fullPage: true });
    return reader;
  }],
  ["the page in French, dark, at a phone's width", async () => {
    const reader = await open({ viewport: PHONE, colorScheme: "dark" });
    await ready(reader, "/status/acme");
    await reader.getByRole("link", { name: "FR" }).click();
    await reader.waitForURL(/lang=fr/);
    const banner = (await reader.locator("#banner").textContent()).trim();
    check(banner.includes("Panne majeure du système"), `banner: ${banner}`);
    check((await reader.locator("html").getAttribute("lang")) === "fr", "the document says French");
    check((await reader.locator("#open-incidents").textContent()).includes("Cause identifiée"), "the incident's state in French");
    const width = await reader.evaluate(() => document.documentElement.scrollWidth);
    check(width <= 390, `nothing wider than the phone: ${width}px`);
    await reader.screenshot({ path: join(shots, "status-page-fr-dark-phone.png"), fullPage: true });
    return reader;
  }],
  ["the other two combinations, and the incident's own page", async () => {
    for (const [lang, scheme, viewport, name] of [["en", "dark", PHONE, "en-dark-phone"], ["fr", "light", DESKTOP, "fr-light-desktop"]]) {
      const reader = await open({ viewport, colorScheme: scheme });
      await ready(reader, `/status/acme?lang=${lang}`);
      await reader.screenshot({ path: join(shots, `status-page-${name}.png`), fullPage: true });
      await reader.context().close();
    }
    const reader = await open({ viewport: DESKTOP, colorScheme: "light" });
    await ready(reader, "/status/acme");
    await reader.getByRole("link", { name: "Checkout errors" }).click();
    await reader.waitForURL(/\/status\/acme\/incidents\//);
    check((await reader.locator("#updates").textContent()).includes("faulty deploy"), "the incident's updates");
    await reader.getByRole("link", { name: /Back to Acme Status/ }).click();
    await reader.getByRole("link", { name: "Uptime history and past incidents" }).first().click();
    await reader.waitForURL(/\/history/);
    check((await reader.locator("#months ol.days").count()) === 5, "twelve months a component");
    await reader.screenshot({ path: join(shots, "status-history-en-light-desktop.png"), fullPage: true });
    return reader;
  }],
  ["a reader subscribes with the form and is told to confirm", async () => {
    const reader = await open({ viewport: DESKTOP });
    await reader.goto(`${base}/status/acme`);
    await reader.getByLabel("Email address").fill("not an address");
    await reader.getByLabel("Email address").evaluate((input) => input.setAttribute("type", "text"));
    await reader.getByRole("button", { name: "Subscribe" }).click();
    check((await reader.locator("#subscribe-error").textContent()).includes("Enter an email address"), "a bad address is refused in place");
    await reader.getByLabel("Email address").fill("reader@example.com");
    await reader.getByLabel("Checkout API", { exact: true }).check();
    await reader.getByRole("button", { name: "Subscribe" }).click();
    await reader.waitForURL(/notice=subscription-sent/);
    check((await reader.locator(".notice").textContent()).includes("confirm your subscription"), "the notice says what comes next");
    return reader;
  }],
  ["a password page opens with its password only", async () => {
    const reader = await open({ viewport: PHONE, colorScheme: "dark" });
    const door = await reader.goto(`${base}/status/internal`);
    check(door.status() === 401, `status ${door.status()}`);
    await reader.getByLabel("Password").fill("guess");
    await reader.getByRole("button", { name: "Open the page" }).click();
    check((await reader.locator("#password-error").textContent()).includes("not right"), "a wrong password is refused");
    await reader.screenshot({ path: join(shots, "status-locked-en-dark-phone.png"), fullPage: true });
    await reader.getByLabel("Password").fill("open sesame");
    await reader.getByRole("button", { name: "Open the page" }).click();
    await reader.waitForURL(`${base}/status/internal?lang=en`);
    check((await reader.locator("#banner").textContent()).includes("All systems operational"), "the page opens");
    return reader;
  }],
  ["an editor makes a page in the dashboard, feeds it, posts an incident and resolves it", async () => {
    const editor = await open({ viewport: DESKTOP, colorScheme: "light" });
    await editor.goto(`${base}/sign-in`);
    await editor.getByLabel("Email").fill(OWNER.email);
    await editor.getByLabel("Password").fill(OWNER.password);
    await editor.getByRole("button", { name: "Sign in" }).click();
    await editor.waitForURL(`${base}/`);
    await editor.getByRole("link", { name: "Status pages" }).first().click();
    check((await editor.locator("#status-pages").textContent()).includes("Acme Status"), "the pages made through the API are listed");
    await editor.getByRole("link", { name: "New status page" }).click();
    await editor.getByLabel("Name", { exact: true }).fill("Shop status");
    await editor.getByLabel("Address slug").fill("acme");
    await editor.getByRole("button", { name: "Make the page" }).click();
    check((await editor.locator("#slug-error").textContent()).includes("Another page has this address"), "a taken slug is refused by its field");
    check((await editor.getByLabel("Name", { exact: true }).inputValue()) === "Shop status", "what was typed stays");
    await editor.getByLabel("Address slug").fill("shop");
    await editor.getByRole("button", { name: "Make the page" }).click();
    await editor.waitForURL(/\/status-pages\/[0-9a-f-]+\?notice=status_page_saved/);
    const editorUrl = editor.url().split("?")[0];

    await editor.getByRole("link", { name: "Add a component" }).click();
    await editor.getByLabel("Name readers see").fill("Checkout");
    await editor.getByLabel("A group of components").check();
    await editor.getByRole("button", { name: "Add a component" }).click();
    await editor.waitForURL(/notice=component_saved/);
    await editor.getByRole("link", { name: "Add a component" }).click();
    await editor.getByLabel("Name readers see").fill("Payments API");
    await editor.getByLabel("In the group").selectOption({ label: "Checkout" });
    await editor.getByLabel("Checkout API health").check();
    await editor.getByRole("button", { name: "Add a component" }).click();
    await editor.waitForURL(/notice=component_saved/);
    const rows = await editor.locator("#components tbody").textContent();
    check(rows.includes("Payments API") && rows.includes("Checkout API health") && rows.includes("Group: shows its worst component"), rows);

    await editor.getByRole("link", { name: "Post an incident" }).click();
    await editor.getByLabel("Title").fill("Card payments failing");
    await editor.getByLabel("What readers are told").fill("Some card payments fail; we are on it.");
    await editor.getByLabel("Checkout › Payments API").selectOption("partial_outage");
    await editor.getByLabel("Tell the page's subscribers").uncheck();
    await editor.getByRole("button", { name: "Post an incident" }).click();
    await editor.waitForURL(/notice=public_incident_posted/);
    await editor.screenshot({ path: join(shots, "status-editor-en-light-desktop.png"), fullPage: true });

    const reader = await open({ viewport: DESKTOP });
    await reader.goto(`${base}/status/shop`);
    const open_ = await reader.locator("#open-incidents").textContent();
    check(open_.includes("Card payments failing") && open_.includes("Affects Payments API"), `readers see it: ${open_}`);
    await reader.context().close();

    await editor.getByRole("link", { name: "Card payments failing" }).click();
    await editor.getByLabel("Status", { exact: true }).selectOption("resolved");
    await editor.getByLabel("What readers are told").fill("Payments work again.");
    await editor.getByRole("button", { name: "Post the update" }).click();
    await editor.waitForURL(/notice=public_incident_posted/);
    check((await editor.locator("#incidents").textContent()).includes("Resolved"), "the incident is resolved");
    // Vigil keeps readers' answers up to 5 s for a crowd (and lets browsers keep them 30 s),
    // so a reader that was not there before sees the resolution within seconds.
    const after = await open({ viewport: DESKTOP });
    let stillOpen = true;
    for (let i = 0; i < 40 && stillOpen; i++) {
      const html = await (await after.request.get(`${base}/status/shop`)).text();
      stillOpen = html.includes('id="open-incidents"');
      if (stillOpen) await after.waitForTimeout(250);
    }
    check(!stillOpen, "no open incident on the page");
    await after.context().close();

    // French, dark, at a phone's width: the editor and the update form.
    const phone = await open({ viewport: PHONE, colorScheme: "dark" });
    await phone.context().addCookies(await editor.context().cookies());
    await phone.goto(editorUrl);
    await phone.getByRole("button", { name: "FR" }).first().click();
    await phone.waitForLoadState();
    check((await phone.locator("#components-title").textContent()).includes("Composants"), "the editor in French");
    const width = await phone.evaluate(() => document.documentElement.scrollWidth);
    check(width <= 390, `nothing wider than the phone: ${width}px`);
    await phone.screenshot({ path: join(shots, "status-editor-fr-dark-phone.png"), fullPage: true });
    await phone.getByRole("link", { name: "Publier un incident" }).click();
    await phone.screenshot({ path: join(shots, "status-editor-incident-fr-dark-phone.png"), fullPage: true });
    await phone.goto(editorUrl);
    await phone.getByRole("button", { name: "EN" }).first().click();
    await phone.waitForLoadState();
    await phone.screenshot({ path: join(shots, "status-editor-en-dark-phone.png"), fullPage: true });
    // French, light, desktop: the editor's own context, in the language the member picks.
    await editor.goto(editorUrl);
    await editor.getByRole("button", { name: "FR" }).first().click();
    await editor.waitForLoadState();
    await editor.screenshot({ path: join(shots, "status-editor-fr-light-desktop.png"), fullPage: true });
    await editor.getByRole("button", { name: "EN" }).first().click();
    return phone;
  }],
];

const failed = await runScenarios(tests, artifacts, "status-");
await browser.close();
target.close();
process.exit(failed ? 1 : 0);
