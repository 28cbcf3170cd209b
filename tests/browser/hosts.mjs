// The Hosts pages in real headless Chromium with the real vigil-agent (VIGIL_AGENT) connected.
// Started by tests/tests/browser.rs against a fresh `vigil serve` (VIGIL_URL): an owner enrols
// a host from the dashboard, the agent spends the token shown once, the list turns the host
// Up without a reload, the host's page charts its samples, an allowlisted action runs and its
// output arrives live, an action missing from the allowlist is refused. Screenshots go to
// HOSTS_SCREENSHOTS_DIR (docs/screenshots when remade on purpose) or else under ARTIFACTS_DIR.
import { launch, open as openPage, runScenarios, check } from "./lib.mjs";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const base = process.env.VIGIL_URL;
const agentBinary = process.env.VIGIL_AGENT;
const artifacts = process.env.ARTIFACTS_DIR || "browser-artifacts";
if (!base || !agentBinary) throw new Error("VIGIL_URL and VIGIL_AGENT must be set");
const shots = process.env.HOSTS_SCREENSHOTS_DIR || join(artifacts, "hosts");
mkdirSync(shots, { recursive: true });

const OWNER = { name: "Ann Owner", email: "ann@example.com", password: "correct horse battery staple" };
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

const browser = await launch();
const open = (options) => openPage(browser, options);
let agent;
let hostUrl;

async function signedIn(options) {
  const page = await open(options);
  await page.goto(`${base}/sign-in`);
  await page.getByLabel("Email").fill(OWNER.email);
  await page.getByLabel("Password").fill(OWNER.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${base}/`);
  return page;
}

const tests = [
  ["an owner enrols a host and the list turns it Up without a reload", async () => {
    const page = await open({ viewport: DESKTOP, colorScheme: "light" });
    await page.goto(`${base}/setup`);
    await page.locator("#name").fill(OWNER.name);
    await page.locator("#email").fill(OWNER.email);
    await page.locator("#password").fill(OWNER.password);
    await page.locator("#organisation").fill("Acme Operations");
    await page.locator("form.stack button[type=submit]").click();
    await page.waitForURL(`${base}/`);
    await page.getByRole("link", { name: "Hosts" }).first().click();
    check((await page.locator("main").textContent()).includes("No host yet."), "no host at first");
    await page.getByRole("link", { name: "Enrol a host" }).first().click();
    await page.getByLabel("Name").fill("web-1");
    await page.getByLabel("Tags").fill("prod, web");
    await page.getByRole("button", { name: "Enrol a host" }).click();
    const token = (await page.locator("#enrolment-token").textContent()).trim();
    check(token.startsWith("vet_"), `the token is shown: ${token}`);
    check((await page.locator("#agent-config").textContent()).includes("/v1/agents/connect"), "the agent's configuration is ready");

    const dir = mkdtempSync(join(tmpdir(), "vigil-agent-"));
    const server = base.replace(/^http/, "ws") + "/v1/agents/connect";
    writeFileSync(join(dir, "agent.toml"), [
      `server = "${server}"`, `enrolment_token = "${token}"`, `state_dir = "${join(dir, "state")}"`,
      "interval_seconds = 1", 'docker_socket = ""', "", "[actions]", "enabled = true", "",
      "[[actions.allow]]", 'name = "say-hello"', 'program = "/bin/echo"', 'args = ["hello", "from", "the", "agent"]', "",
    ].join("\n"));
    agent = spawn(agentBinary, ["--config", join(dir, "agent.toml")], { env: { ...process.env, VIGIL_AGENT_LOG: "warn" }, stdio: "inherit" });

    await page.getByRole("link", { name: "Back to the hosts" }).click();
    await page.waitForFunction(() => /\bUp\b/.test(document.querySelector("#hosts")?.textContent || ""), null, { timeout: 20_000 });
    check((await page.locator("#hosts").textContent()).includes("web-1"), "the host is listed by its name");
    check((await page.locator(".last-heard").textContent()).length > 0, "the page says when it last heard");
    return page;
  }],
  ["the host's page charts its samples and runs only allowlisted actions", async () => {
    const page = await signedIn({ viewport: DESKTOP, colorScheme: "light" });
    await page.goto(`${base}/hosts`);
    await page.getByRole("link", { name: "web-1" }).click();
    hostUrl = page.url();
    // Charts need two samples: the page refreshes itself as they arrive.
    await page.locator("#charts polyline").first().waitFor({ timeout: 20_000 });
    const charts = await page.locator("#charts figure").count();
    check(charts >= 4, `CPU, memory, load and a disk at least: ${charts}`);
    check((await page.locator("#charts").textContent()).includes("Now"), "each chart says its latest value");

    await page.locator("#action").fill("say-hello");
    await page.getByRole("button", { name: "Run it" }).click();
    await page.waitForURL(/notice=action_sent/);
    await page.waitForFunction(() => (document.querySelector("#action-history")?.textContent || "").includes("Done"), null, { timeout: 20_000 });
    await page.locator("#action-history summary").first().click();
    check((await page.locator("#action-history").textContent()).includes("hello from the agent"), "the output arrived");

    await page.locator("#action").fill("format-disk");
    await page.getByRole("button", { name: "Run it" }).click();
    await page.waitForFunction(() => (document.querySelector("#action-history")?.textContent || "").includes("Refused"), null, { timeout: 20_000 });
    await page.screenshot({ path: join(shots, "host-en-light-desktop.png"), fullPage: true });
    return page;
  }],
  ["the hosts in French, dark, at a phone's width", async () => {
    const page = await signedIn({ viewport: PHONE, colorScheme: "dark" });
    await page.goto(hostUrl);
    await page.getByRole("button", { name: "FR" }).first().click();
    await page.waitForLoadState();
    check((await page.locator("#charts-title").textContent()).includes("Mesures"), "the host page in French");
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    check(width <= 390, `nothing wider than the phone: ${width}px`);
    await page.screenshot({ path: join(shots, "host-fr-dark-phone.png"), fullPage: true });
    await page.goto(`${base}/hosts`);
    await page.screenshot({ path: join(shots, "hosts-fr-dark-phone.png"), fullPage: true });
    await page.getByRole("button", { name: "EN" }).first().click();
    await page.waitForLoadState();
    await page.screenshot({ path: join(shots, "hosts-en-dark-phone.png"), fullPage: true });
    return page;
  }],
];

const failed = await runScenarios(tests, artifacts, "hosts-");
if (agent) agent.kill();
await browser.close();
process.exit(failed ? 1 : 0);
