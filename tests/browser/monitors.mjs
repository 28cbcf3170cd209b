// The monitor pages in Chromium: the form refusing a bad assertion in place, a monitor page
// watched, without a reload, going Up then Down against a local target the test breaks, then
// its incident acknowledged, and "check now" answering in place. run.mjs adds these scenarios
// after its own, with the owner's page.
import { createServer } from "node:http";
import { check } from "./lib.mjs";

// A local target whose answer the test chooses.
async function target() {
  const server = createServer((request, response) => {
    response.writeHead(server.healthy ? 200 : 503, { "content-type": "application/json" });
    response.end(JSON.stringify({ status: server.healthy ? "UP" : "DOWN" }));
  });
  server.healthy = true;
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  server.url = `http://127.0.0.1:${server.address().port}/health`;
  return server;
}

// The session's CSRF token, as the page's forms carry it.
async function csrfOf(page) {
  return page.locator("input[name=csrf]").first().inputValue();
}

export function monitorScenarios(base, state, track) {
  return [
    ["a monitor with a bad assertion is refused in place, at the right column, then fixed and saved", async () => {
      const page = track(state.owner);
      state.target = await target();
      await page.goto(`${base}/monitors/new`);
      await page.getByLabel("Name", { exact: true }).fill("Shop <script>alert(1)</script>");
      await page.getByLabel("URL").fill(state.target.url);
      await page.getByLabel("Failures in a row before Down").fill("1");
      const box = page.locator("#assertions");
      await box.fill("[STATUS] == 200\n[BODY].status === UP");
      const live = page.locator("#assertions-feedback li.field-error");
      await live.waitFor();
      const typed = await live.textContent();
      check(typed.includes("Line 2, at column 15"), `checked as typed, with the column: ${typed}`);
      check((await box.getAttribute("aria-invalid")) === "true", "the box is marked invalid");

      await page.getByRole("button", { name: "Try it" }).click();
      const tried = await page.locator("#assertions-error").textContent();
      check(tried.includes("Line 2, at column 15"), `try it refuses it too: ${tried}`);

      await page.getByRole("button", { name: "Save" }).click();
      const error = await page.locator("#assertions-error").textContent();
      check(error.includes("Line 2, at column 15") && error.includes("==="), `the server's error names the column: ${error}`);
      check((await box.inputValue()).includes("=== UP"), "what was typed stays");

      await box.fill("[STATUS] == 200\n[BODY].status == UP");
      await page.locator("#assertions-feedback li.ok").nth(1).waitFor();
      await page.getByRole("button", { name: "Try it" }).click();
      const trial = await page.locator("#trial").textContent();
      check(trial.includes("the check passed") && trial.includes("holds"), `one check of the unsaved monitor: ${trial}`);
      await page.getByRole("button", { name: "Save" }).click();
      await page.waitForURL(/\/monitors\/[0-9a-f-]+\?notice=monitor_saved/);
      check((await page.locator("h1").textContent()).includes("<script>"), "the name is shown as text");
      state.monitor = page.url().split("/monitors/")[1].split("?")[0];
      return page;
    }],

    ["the monitor page goes Up, then Down, without a reload; the incident is acknowledged", async () => {
      const page = track(state.owner);
      await page.goto(`${base}/monitors/${state.monitor}`);
      await page.evaluate(() => { window.samePage = true; });
      const csrf = await csrfOf(page);
      const heard = page.locator(".last-heard");
      await heard.filter({ hasText: "Last heard from the server" }).waitFor();

      const other = await page.context().newPage();
      const checkNow = async () => {
        const answer = await other.request.post(`${base}/monitors/${state.monitor}/check`, { form: { csrf }, maxRedirects: 0 });
        check(answer.status() === 303, `check now: ${answer.status()}`);
      };
      await checkNow();
      await page.locator("#status", { hasText: "Up" }).waitFor({ timeout: 10_000 });
      check((await page.locator("#recent-checks").textContent()).includes("Passed"), "the check appears");

      state.target.healthy = false;
      await checkNow();
      await page.locator("#status", { hasText: "Down" }).waitFor({ timeout: 10_000 });
      const checks = await page.locator("#recent-checks").textContent();
      check(checks.includes("Unexpected status"), `the failure class: ${checks}`);
      const incident = page.locator("#live-events a", { hasText: "still open" });
      await incident.waitFor({ timeout: 10_000 });
      const id = (await incident.getAttribute("href")).split("/incidents/")[1];

      const acknowledged = await other.request.post(`${base}/v1/incidents/${id}/acknowledge`, { headers: { "x-csrf-token": csrf }, data: {} });
      check(acknowledged.status() === 200, `acknowledged: ${acknowledged.status()} ${await acknowledged.text()}`);
      await page.locator("#live-events a", { hasText: "acknowledged" }).waitFor({ timeout: 10_000 });
      check(await page.evaluate(() => window.samePage === true), "the page was never reloaded");
      await other.close();

      await page.goto(`${base}/`);
      const row = await page.locator("table.watched tr.down").textContent();
      check(row.includes("Down") && row.includes("<script>"), `the overview lists it as Down, in words: ${row}`);
      return page;
    }],

    ["check now shows what the check found in a live region, without a reload", async () => {
      const page = track(state.owner);
      await page.goto(`${base}/monitors/${state.monitor}`);
      await page.evaluate(() => { window.samePage = true; });
      const region = page.locator("#check-now-result");
      check((await region.getAttribute("role")) === "status" && (await region.getAttribute("aria-live")) === "polite", "a live region");
      state.target.healthy = true;
      await page.getByRole("button", { name: "Check now" }).click();
      await region.locator("#check-result", { hasText: "Passed" }).waitFor();
      const passed = await region.textContent();
      check(passed.includes("HTTP status 200") && passed.includes("[BODY].status == UP — holds"), `each assertion's verdict: ${passed}`);
      check(passed.includes("The monitor is now"), `the status now, in words: ${passed}`);

      state.target.healthy = false;
      await page.getByRole("button", { name: "Check now" }).click();
      await region.locator("#check-result", { hasText: "Failed" }).waitFor();
      const failed = await region.textContent();
      check(failed.includes("Unexpected status") && failed.includes("status 503"), `the failure class and message: ${failed}`);
      check(failed.includes("not judged"), `assertions after the failure not judged: ${failed}`);
      check(await page.getByRole("button", { name: "Check now" }).isEnabled(), "the button is back");
      check(!page.url().includes("notice=checked") && await page.evaluate(() => window.samePage === true), "no reload");
      state.target.close();
      return page;
    }],
  ];
}
