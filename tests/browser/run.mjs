// Vigil's dashboard in real headless Chromium. Started by tests/tests/browser.rs against a
// `vigil serve` it runs in-process: VIGIL_URL is its address, ARTIFACTS_DIR where a failing
// test leaves a screenshot and the page's HTML. The tests run in order and share the
// installation they build (the owner set up in the first is the one who signs in later).
import { launch, open as openPage, track, runScenarios, totp, check } from "./lib.mjs";
import { monitorScenarios } from "./monitors.mjs";

const base = process.env.VIGIL_URL;
const artifacts = process.env.ARTIFACTS_DIR || "browser-artifacts";
if (!base) throw new Error("VIGIL_URL is not set");

const OWNER = { name: "Ann Owner", email: "owner@example.com", password: "correct horse battery staple" };
const VIEWER = { name: "<script>alert(1)</script>", email: "viewer@example.com", password: "a long unrelated passphrase" };
const state = {};

const browser = await launch();

const open = (options) => openPage(browser, options);

async function heading(page) {
  return (await page.locator("h1").first().textContent()).trim();
}

async function signIn(page, who) {
  await page.goto(`${base}/sign-in`);
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function signOut(page) {
  await page.locator("details.menu > summary").click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(/\/sign-in/);
}

const tests = [
  ["first-run setup makes the owner and signs them in", async () => {
    const page = await open();
    await page.goto(`${base}/`);
    await page.waitForURL(`${base}/setup`);
    check((await heading(page)) === "Set up Vigil", `heading: ${await heading(page)}`);
    await page.getByLabel("Your name").fill(OWNER.name);
    await page.getByLabel("Email").fill(OWNER.email);
    await page.getByLabel("Password").fill("short");
    await page.getByRole("button", { name: "Create the owner's account" }).click();
    const error = await page.locator("#password-error").textContent();
    check(error.includes("at least 10 characters"), `a short password is refused in place: ${error}`);
    check((await page.getByLabel("Email").inputValue()) === OWNER.email, "the form keeps what was typed");
    await page.getByLabel("Password").fill(OWNER.password);
    await page.getByLabel("Organisation name (optional)").fill("Acme");
    await page.getByRole("button", { name: "Create the owner's account" }).click();
    await page.waitForURL(`${base}/`);
    check((await heading(page)) === "Overview", `heading: ${await heading(page)}`);
    check((await page.locator("details.menu > summary").textContent()).includes(OWNER.name), "the user menu names the owner");
    check((await page.locator("header .org").textContent()).includes("Acme"), "the header names the organisation");
    state.owner = page;
    await page.goto(`${base}/setup`);
    await page.waitForURL(/\/sign-in|\/$/);
    return page;
  }],

  ["sign-out ends the session", async () => {
    const page = track(state.owner);
    await page.goto(`${base}/`);
    await signOut(page);
    check((await page.locator(".notice").textContent()).includes("You are signed out."), "the sign-in page says so");
    await page.goto(`${base}/settings/profile`);
    await page.waitForURL(/\/sign-in\?next=/);
    return page;
  }],

  ["a wrong password shows the error and keeps the email", async () => {
    const page = track(state.owner);
    await signIn(page, { ...OWNER, password: "not the password at all" });
    const summary = await page.locator(".errors").textContent();
    check(summary.includes("The email or the password is wrong."), `error shown: ${summary}`);
    check(page.url().startsWith(`${base}/sign-in`), `still on the sign-in page: ${page.url()}`);
    check((await page.getByLabel("Email").inputValue()) === OWNER.email, "the email stays");
    return page;
  }],

  ["sign-in returns to the page asked for", async () => {
    const page = track(state.owner);
    await page.goto(`${base}/settings/members`);
    await page.waitForURL(/\/sign-in\?next=/);
    await page.getByLabel("Email").fill(OWNER.email);
    await page.getByLabel("Password").fill(OWNER.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${base}/settings/members`);
    check((await heading(page)) === "Members", `heading: ${await heading(page)}`);
    return page;
  }],

  ["an invited viewer with a script for a name sees it as text and no edit controls", async () => {
    const owner = track(state.owner);
    await owner.goto(`${base}/settings/members`);
    await owner.getByLabel("Their email").fill(VIEWER.email);
    await owner.locator("#invite-role").selectOption("viewer");
    await owner.getByRole("button", { name: "Send the invitation" }).click();
    const link = (await owner.locator("#invitation-link").textContent()).trim();
    check(link.includes("/invitations/accept?token="), `the link is shown once: ${link}`);

    const page = await open();
    await page.goto(link.replace(/^https?:\/\/[^/]+/, base));
    await page.getByLabel("Your name (new accounts)").fill(VIEWER.name);
    await page.getByLabel("Password (new accounts)").fill(VIEWER.password);
    await page.getByRole("button", { name: "Accept the invitation" }).click();
    await page.waitForURL(`${base}/`);
    state.viewer = page;

    await page.goto(`${base}/settings/members`);
    const table = await page.locator("#members").textContent();
    check(table.includes(VIEWER.name), `the name is shown as text: ${table}`);
    check((await page.locator("#members script").count()) === 0, "no script element came from the name");
    check((await page.locator("#members select").count()) === 0, "no role selects for a viewer");
    check((await page.getByRole("button", { name: /Remove/ }).count()) === 0, "no remove buttons for a viewer");
    check((await page.locator("form[action$='/settings/members/invite']").count()) === 0, "no invitation form for a viewer");

    await owner.goto(`${base}/settings/members`);
    check((await owner.locator("#members").textContent()).includes(VIEWER.name), "the owner sees the name as text too");
    check((await owner.locator("#members select").count()) === 1, "the owner may change the viewer's role");
    check(owner.violations.length === 0 && page.violations.length === 0, "no script ran");

    // The server refuses the viewer anyway: a hand-made post with the viewer's own token.
    const ownerRow = await owner.locator("#members tr[id^='member-']").first().getAttribute("id");
    const csrf = await page.locator("input[name=csrf]").first().inputValue();
    const refused = await page.request.post(`${base}/settings/members/${ownerRow.slice(7)}/role`, { form: { csrf, role: "viewer" }, maxRedirects: 0 });
    check(refused.status() === 403, `a viewer's role change is refused: ${refused.status()}`);
    await owner.goto(`${base}/settings/members`);
    check((await owner.locator(`#${ownerRow}`).textContent()).includes("Owner"), "the owner is still owner");

    // With script, changing a role posts in place (htmx swaps the row; no page load).
    await owner.evaluate(() => { window.samePage = true; });
    const viewerRow = owner.locator("#members tr", { hasText: VIEWER.name });
    const answered = owner.waitForResponse((r) => r.url().includes("/settings/members") && r.request().method() === "GET");
    await viewerRow.locator("select").selectOption("responder");
    await answered;
    await owner.waitForTimeout(300);
    check(await owner.evaluate(() => window.samePage === true), "the page was not reloaded");
    await owner.reload();
    check((await owner.locator("#members tr", { hasText: VIEWER.name }).locator("select").inputValue()) === "responder", "the role changed");
    await owner.locator("#members tr", { hasText: VIEWER.name }).locator("select").selectOption("viewer");
    await owner.waitForTimeout(500);
    return page;
  }],

  ["keyboard-only sign-in", async () => {
    const page = await open();
    await page.goto(`${base}/sign-in`);
    await page.keyboard.press("Tab");
    check((await page.evaluate(() => document.activeElement.className)) === "skip", "the skip link comes first");
    for (let i = 0; i < 15 && (await page.evaluate(() => document.activeElement.id)) !== "email"; i++) await page.keyboard.press("Tab");
    check((await page.evaluate(() => document.activeElement.id)) === "email", "Tab reaches the email field");
    await page.keyboard.type(VIEWER.email);
    await page.keyboard.press("Tab");
    check((await page.evaluate(() => document.activeElement.id)) === "password", "then the password");
    await page.keyboard.type(VIEWER.password);
    await page.keyboard.press("Enter");
    await page.waitForURL(`${base}/`);
    check((await heading(page)) === "Overview", "signed in with the keyboard alone");
    return page;
  }],

  ["two-factor: turned on with the QR code's secret, then asked for at sign-in", async () => {
    const page = track(state.owner);
    await page.goto(`${base}/settings/two-factor`);
    await page.getByRole("button", { name: "Set up two-factor authentication" }).click();
    check((await page.locator(".qr svg").count()) === 1, "a QR code is drawn");
    const secret = (await page.locator("#totp-secret").textContent()).trim();
    await page.getByLabel("The code the app shows").fill("000000" === totp(secret) ? "111111" : "000000");
    await page.getByRole("button", { name: "Turn on" }).click();
    check((await page.locator("#code-error").textContent()).includes("not valid"), "a wrong code is refused in place");
    await page.getByLabel("The code the app shows").fill(totp(secret));
    await page.getByRole("button", { name: "Turn on" }).click();
    const codes = await page.locator("#recovery-codes li").count();
    check(codes >= 8, `the recovery codes are shown once (${codes})`);
    await page.goto(`${base}/settings/two-factor`);
    check((await page.locator("#recovery-codes").count()) === 0, "and not again");

    await signOut(page);
    await signIn(page, OWNER);
    check((await heading(page)) === "Two-factor code", `asked for a code: ${await heading(page)}`);
    await page.getByLabel("Code").fill(totp(secret, 1));
    await page.getByRole("button", { name: "Finish signing in" }).click();
    await page.waitForURL(`${base}/`);
    check((await heading(page)) === "Overview", "signed in with the second factor");
    return page;
  }],

  ["switching to French shows French text", async () => {
    const page = track(state.owner);
    await page.goto(`${base}/settings/profile`);
    await page.getByRole("button", { name: "FR", exact: true }).click();
    await page.waitForURL(`${base}/settings/profile`);
    check((await page.getAttribute("html", "lang")) === "fr", "html lang is fr");
    check((await heading(page)) === "Profil", `heading: ${await heading(page)}`);
    check((await page.locator("header nav").textContent()).includes("Réglages"), "the navigation is French");
    check((await page.locator("#locale").inputValue()) === "fr", "the profile keeps the language");

    const stranger = await open({ locale: "fr-FR" });
    await stranger.goto(`${base}/sign-in`);
    check((await heading(stranger)) === "Connexion", "a visitor whose browser asks for French gets it");

    await page.getByRole("button", { name: "EN", exact: true }).click();
    await page.waitForURL(`${base}/settings/profile`);
    check((await heading(page)) === "Profile", "and back to English");
    return page;
  }],

  ["every page fits a 360 px wide screen without scrolling sideways", async () => {
    const cookies = await state.owner.context().cookies();
    const page = await open({ viewport: { width: 360, height: 740 } });
    await page.context().addCookies(cookies);
    for (const path of ["/", "/settings/profile", "/settings/password", "/settings/two-factor", "/settings/keys", "/settings/members", "/settings/audit-log", "/settings/organisation", "/sign-in?x", "/forgot-password"]) {
      await page.goto(`${base}${path}`);
      const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
      check(scroll <= width, `${path} is ${scroll} px wide on a ${width} px screen`);
    }
    return page;
  }],

  ["no page broke the Content-Security-Policy", async () => {
    for (const page of [state.owner, state.viewer]) {
      for (const path of ["/", "/settings/profile", "/settings/password", "/settings/two-factor", "/settings/keys", "/settings/members"]) {
        await page.goto(`${base}${path}`);
        await page.waitForLoadState("load");
      }
      check(page.violations.length === 0, `violations: ${page.violations.join("; ")}`);
      check(await page.evaluate(() => document.documentElement.classList.contains("js") && typeof window.htmx === "object"), "our script and htmx ran");
    }
    // The policy is enforced, not only sent: an inline script and an inline style are refused.
    const page = track(state.owner);
    const ran = await page.evaluate(() => {
      const script = document.createElement("script");
      script.textContent = "window.inlineRan = true";
      document.body.append(script);
      const style = document.createElement("style");
      style.textContent = "body { display: none }";
      document.head.append(style);
      return window.inlineRan === true || getComputedStyle(document.body).display === "none";
    });
    check(!ran, "an inline script or style took effect");
    await page.waitForTimeout(200);
    check(page.violations.length >= 1, "the browser reported the refusal");
    page.violations.length = 0;
    return page;
  }],
];
tests.push(...monitorScenarios(base, state, track));

const failed = await runScenarios(tests, artifacts, "");
await browser.close();
process.exit(failed ? 1 : 0);
