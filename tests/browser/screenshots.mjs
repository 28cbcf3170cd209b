// Screenshots of the dashboard's pages into SCREENSHOTS_DIR (docs/screenshots): every page in
// English, light, desktop and in French, dark, at a phone's 390 px; the sign-in and members
// pages in all eight combinations. Started by `cargo test -p vigil-tests --test browser --
// --ignored screenshots` against a fresh `vigil serve` (VIGIL_URL), which it fills first.
import { launch, check } from "./lib.mjs";
import { mkdirSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";

const base = process.env.VIGIL_URL;
const out = process.env.SCREENSHOTS_DIR;
if (!base || !out) throw new Error("VIGIL_URL and SCREENSHOTS_DIR must be set");
mkdirSync(out, { recursive: true });

const OWNER = { name: "Ann Owner", email: "ann@example.com", password: "correct horse battery staple" };
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

const browser = await launch();

async function session(viewport, colorScheme) {
  const context = await browser.newContext({ viewport, colorScheme, locale: "en-GB", deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  return page;
}

async function signIn(page, who) {
  await page.goto(`${base}/sign-in`);
  await page.locator("#email").fill(who.email);
  await page.locator("#password").fill(who.password);
  await page.locator("form.stack button[type=submit]").click();
  await page.waitForURL(`${base}/`);
}

// The installation: the owner, three members invited and accepted, a pending invitation, keys.
const setup = await session(DESKTOP, "light");
await setup.goto(`${base}/setup`);
await setup.locator("#name").fill(OWNER.name);
await setup.locator("#email").fill(OWNER.email);
await setup.locator("#password").fill(OWNER.password);
await setup.locator("#organisation").fill("Acme Operations");
await setup.locator("form.stack button[type=submit]").click();
await setup.waitForURL(`${base}/`);
for (const [name, email, role] of [["Bea Admin", "bea@example.com", "admin"], ["Chloé Dupont", "chloe@example.com", "editor"], ["<script>alert(1)</script>", "mallory@example.com", "viewer"]]) {
  await setup.goto(`${base}/settings/members`);
  await setup.locator("#email").fill(email);
  await setup.locator("#invite-role").selectOption(role);
  await setup.locator("form[action$='/settings/members/invite'] button[type=submit]").click();
  const link = (await setup.locator("#invitation-link").textContent()).trim().replace(/^https?:\/\/[^/]+/, base);
  const guest = await session(DESKTOP, "light");
  await guest.goto(link);
  await guest.locator("#name").fill(name);
  await guest.locator("#password").fill("a long unrelated passphrase");
  await guest.locator("form.stack button[type=submit]").click();
  await guest.waitForURL(`${base}/`);
  await guest.context().close();
}
await setup.goto(`${base}/settings/members`);
await setup.locator("#email").fill("dan@example.org");
await setup.locator("form[action$='/settings/members/invite'] button[type=submit]").click();
for (const [name, scope] of [["CI deploys", "write"], ["Grafana", "read"]]) {
  await setup.goto(`${base}/settings/keys`);
  await setup.locator("#name").fill(name);
  await setup.locator("#scope").selectOption(scope);
  await setup.locator("form[action$='/settings/keys'] button[type=submit]").click();
}
// Monitors against a local target: most healthy, one that breaks halfway, one always failing;
// each checked a few times with "check now".
const target = createServer((request, response) => {
  const failing = request.url.startsWith("/down") || (request.url.startsWith("/flaky") && target.broken);
  setTimeout(() => {
    response.writeHead(failing ? 503 : 200, { "content-type": "application/json" });
    response.end(JSON.stringify({ status: failing ? "DOWN" : "UP" }));
  }, 5 + Math.floor(Math.random() * 40));
});
await new Promise((done) => target.listen(0, "127.0.0.1", done));
const origin = `http://127.0.0.1:${target.address().port}`;
await setup.goto(`${base}/monitors/new`);
const csrf = await setup.locator("input[name=csrf]").first().inputValue();
const monitors = [];
for (const [name, path, tags] of [["API gateway", "/ok/api", "prod, api"], ["Checkout", "/flaky/checkout", "prod, shop"], ["Docs site", "/ok/docs", "docs"], ["Legacy SOAP bridge", "/down/soap", "legacy"], ["Search", "/ok/search", "prod, api"], ["Status page", "/ok/status", "public"]]) {
  const form = { csrf, name, url: `${origin}${path}`, method: "GET", interval_seconds: "60", failure_threshold: "2", assertions: "[STATUS] == 200\n[RESPONSE_TIME] < 500", tags, verify_tls: "on" };
  const answer = await setup.request.post(`${base}/monitors/new`, { form, maxRedirects: 0 });
  check(answer.status() === 303, `monitor ${name} made: ${answer.status()}`);
  monitors.push(answer.headers().location.split("/monitors/")[1].split("?")[0]);
}
for (let round = 0; round < 8; round++) {
  target.broken = round >= 5;
  for (const id of monitors) await setup.request.post(`${base}/monitors/${id}/check`, { form: { csrf }, maxRedirects: 0 });
}
// Heartbeat tasks in the same list: runs of varied length through the ping URL, one failed,
// and a task never pinged.
for (const [name, period, runs] of [["Nightly backup", 86400, ["0", "0", "1", "0", "0", "0"]], ["Cache warmer", 300, ["0", "0", "0", "0", "0", "0", "0", "0"]]]) {
  const made = await setup.request.post(`${base}/v1/tasks`, { data: { name, period_seconds: period, grace_seconds: 600 }, headers: { "X-CSRF-Token": csrf } });
  check(made.ok(), `task ${name} made: ${made.status()}`);
  const ping = (await made.json()).ping_url.replace(/^https?:\/\/[^/]+/, base);
  for (const [i, exit] of runs.entries()) {
    check((await fetch(`${ping}/start`, { method: "POST" })).ok, "start");
    await new Promise((resolve) => setTimeout(resolve, 60 + ((i * 97) % 250)));
    check((await fetch(`${ping}/${exit}`, { method: "POST" })).ok, `exit ${exit}`);
  }
}
await setup.request.post(`${base}/v1/tasks`, { data: { name: "Invoice export", period_seconds: 3600, grace_seconds: 600 }, headers: { "X-CSRF-Token": csrf } });
await setup.context().close();

const pages = [
  ["overview", "/"],
  ["wall", "/?view=wall"],
  ["monitor", `/monitors/${monitors[1]}`],
  ["monitor-form", `/monitors/${monitors[1]}/edit`],
  ["profile", "/settings/profile"],
  ["password", "/settings/password"],
  ["two-factor", "/settings/two-factor"],
  ["keys", "/settings/keys"],
  ["members", "/settings/members"],
  ["audit-log", "/settings/audit-log"],
  ["organisation", "/settings/organisation"],
];

let taken = 0;
async function shot(page, name) {
  await page.waitForLoadState("load");
  await page.screenshot({ path: join(out, `${name}.png`), fullPage: true });
  taken++;
}

// Every combination of language, theme and width.
for (const language of ["en", "fr"]) {
  for (const scheme of ["light", "dark"]) {
    for (const [width, viewport] of [["desktop", DESKTOP], ["phone", PHONE]]) {
      const suffix = `${language}-${scheme}-${width}`;
      const anonymous = await session(viewport, scheme);
      await anonymous.context().addCookies([{ name: "vigil_lang", value: language, url: base }]);
      await anonymous.goto(`${base}/sign-in`);
      check((await anonymous.getAttribute("html", "lang")) === language, `sign-in in ${language}`);
      await shot(anonymous, `sign-in-${suffix}`);
      await anonymous.context().close();

      const page = await session(viewport, scheme);
      await signIn(page, OWNER);
      if ((await page.getAttribute("html", "lang")) !== language) {
        await page.locator(`button[name=language][value=${language}]`).click();
        await page.waitForURL(`${base}/`);
      }
      const full = (language === "en" && scheme === "light" && width === "desktop") || (language === "fr" && scheme === "dark" && width === "phone");
      for (const [name, path] of pages) {
        if (!full && name !== "members") continue;
        await page.goto(`${base}${path}`);
        await shot(page, `${name}-${suffix}`);
      }
      if (full) {
        // "Check now" answered in place, with each assertion's verdict.
        await page.goto(`${base}/monitors/${monitors[0]}`);
        await page.locator("form[data-check-now] button").click();
        await page.locator("#check-now-result #check-result").waitFor();
        await shot(page, `monitor-checked-${suffix}`);
        await page.goto(`${base}/settings/two-factor`);
        await page.locator("form[action$='/two-factor/begin'] button").click();
        await shot(page, `two-factor-setup-${suffix}`);
        await page.goto(`${base}/`);
        await page.locator("details.menu > summary").click();
        await shot(page, `user-menu-${suffix}`);
      }
      await page.context().close();
    }
  }
}
target.close();
await browser.close();
console.log(`${taken} screenshots in ${out}`);
