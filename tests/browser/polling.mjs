// Live updates by polling, the way pages stay live on AWS (API Gateway cannot stream) and behind
// a proxy that cuts streams: tests/tests/browser.rs starts vigil serve with
// `--live-updates poll`. A monitor page shows its status change without a reload, and once the
// test has the server stopped, says that it cannot reach it. To stop the server the script
// prints `stop the server` and waits for `stopped` on its stdin.
import { createServer } from "node:http";
import { createInterface } from "node:readline";
import { launch, open, runScenarios, check } from "./lib.mjs";

const base = process.env.VIGIL_URL;
const artifacts = process.env.ARTIFACTS_DIR || "browser-artifacts";
if (!base) throw new Error("VIGIL_URL is not set");

const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const browser = await launch();
const state = {};

// A local target whose answer the test chooses.
async function target() {
  const server = createServer((request, response) => {
    response.writeHead(server.healthy ? 200 : 503, { "content-type": "text/plain" });
    response.end(server.healthy ? "ok" : "down");
  });
  server.healthy = true;
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  server.url = `http://127.0.0.1:${server.address().port}/health`;
  return server;
}

const tests = [
  ["an owner sets up and makes a monitor of a local target", async () => {
    const page = await open(browser);
    state.page = page;
    state.target = await target();
    await page.goto(`${base}/setup`);
    await page.getByLabel("Your name").fill("Pat Poller");
    await page.getByLabel("Email").fill("poller@example.com");
    await page.getByLabel("Password").fill("a long polling passphrase");
    await page.getByRole("button", { name: "Create the owner's account" }).click();
    await page.waitForURL(`${base}/`);
    await page.goto(`${base}/monitors/new`);
    await page.getByLabel("Name", { exact: true }).fill("Polled");
    await page.getByLabel("URL").fill(state.target.url);
    await page.getByLabel("Failures in a row before Down").fill("1");
    await page.getByRole("button", { name: "Save" }).click();
    await page.waitForURL(/\/monitors\/[0-9a-f-]+\?notice=monitor_saved/);
    state.monitor = page.url().split("/monitors/")[1].split("?")[0];
    return page;
  }],

  ["a polling page shows a status change without a reload and no stream is opened", async () => {
    const page = state.page;
    await page.goto(`${base}/monitors/${state.monitor}`);
    check((await page.locator("[data-live]").getAttribute("data-live")) === "poll", "the page polls");
    await page.evaluate(() => { window.samePage = true; });
    await page.locator(".last-heard", { hasText: "Last heard from the server" }).waitFor();
    const csrf = await page.locator("input[name=csrf]").first().inputValue();
    const checkNow = async () => {
      const answer = await page.context().request.post(`${base}/monitors/${state.monitor}/check`, { form: { csrf }, maxRedirects: 0 });
      check(answer.status() === 303, `check now: ${answer.status()}`);
    };
    await checkNow();
    await page.locator("#status", { hasText: "Up" }).waitFor({ timeout: 25_000 });
    state.target.healthy = false;
    await checkNow();
    await page.locator("#status", { hasText: "Down" }).waitFor({ timeout: 25_000 });
    check((await page.locator("#recent-checks").textContent()).includes("Unexpected status"), "the failing check appears");
    const streams = await page.evaluate(() => performance.getEntriesByType("resource").filter((e) => e.name.endsWith("/live")).length);
    check(streams === 0, `no stream was opened (${streams})`);
    check(await page.evaluate(() => window.samePage === true), "the page was never reloaded");
    return page;
  }],

  ["with the server stopped the page says it cannot reach it", async () => {
    const page = state.page;
    console.log("stop the server");
    const answer = await lines.next();
    check(answer.value === "stopped", `the test stopped the server: ${answer.value}`);
    const stale = page.locator(".last-heard.stale");
    await stale.waitFor({ timeout: 25_000 });
    const said = await stale.textContent();
    check(said.includes("Cannot reach the server since"), `it says so: ${said}`);
    check((await page.locator("#status").textContent()).includes("Down"), "the last known status stays");
    check(await page.evaluate(() => window.samePage === true), "the page was never reloaded");
    state.target.close();
    return page;
  }],
];

const failed = await runScenarios(tests, artifacts, "polling-");
await browser.close();
process.exit(failed ? 1 : 0);
