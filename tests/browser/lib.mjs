// What the browser tests and the screenshot script share: launching Debian's Chromium with a
// fresh profile, TOTP codes, and saving what a failing test saw.
import { chromium } from "playwright-core";
import { createHmac } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

// Headless, no sandbox (root in CI), and nothing that reaches the network by itself.
export const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

// Each launch gets a fresh temporary user data dir (playwright makes one and deletes it).
export async function launch() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS, timeout: 60_000 });
}

function base32(text) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const ch of text.replace(/=+$/, "").toUpperCase()) {
    const value = alphabet.indexOf(ch);
    if (value < 0) throw new Error(`not base32: ${text}`);
    bits += value.toString(2).padStart(5, "0");
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

// The RFC 6238 code (SHA-1, six digits, 30 s) of `secret`, `offset` steps from now.
export function totp(secret, offset = 0) {
  const step = Math.floor(Date.now() / 1000 / 30) + offset;
  const counter = Buffer.alloc(8);
  counter.writeBigInt64BE(BigInt(step));
  const digest = createHmac("sha1", base32(secret)).update(counter).digest();
  const at = digest[19] & 0x0f;
  const binary = ((digest[at] & 0x7f) << 24) | (digest[at + 1] << 16) | (digest[at + 2] << 8) | digest[at + 3];
  return String(binary % 1_000_000).padStart(6, "0");
}

// A screenshot and the HTML of `page`, under `dir`, named after `name`.
export async function keepEvidence(page, dir, name) {
  mkdirSync(dir, { recursive: true });
  const slug = name.replace(/[^a-z0-9]+/gi, "-").replace(/^-|-$/g, "").toLowerCase();
  const saved = [];
  try {
    await page.screenshot({ path: join(dir, `${slug}.png`), fullPage: true });
    saved.push(`${slug}.png`);
  } catch (error) {
    console.error(`  (no screenshot: ${error.message})`);
  }
  try {
    writeFileSync(join(dir, `${slug}.html`), await page.content());
    saved.push(`${slug}.html`);
  } catch (error) {
    console.error(`  (no HTML: ${error.message})`);
  }
  return saved.map((file) => join(dir, file));
}

export function check(condition, message) {
  if (!condition) throw new Error(message);
}

// The page the running scenario looks at, whose evidence is kept if it fails.
let current;
export function track(page) {
  current = page;
  return page;
}

// A tracked page in a fresh context of `browser` (its own cookies) that records CSP violations
// and dialogs, which fail the scenario that returns it.
export async function open(browser, options = {}) {
  const context = await browser.newContext({ locale: "en-GB", ...options });
  const page = await context.newPage();
  page.violations = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to (execute|apply|load)/i.test(message.text())) page.violations.push(message.text());
  });
  page.on("dialog", async (dialog) => {
    page.violations.push(`a dialog opened: ${dialog.message()}`);
    await dialog.dismiss();
  });
  page.setDefaultTimeout(10_000);
  return track(page);
}

// Runs the `[name, scenario]` pairs in order and prints `ok - name` or `FAILED - name` with
// the evidence kept under `artifacts` (its files' names start with `prefix`), then
// `N passed, N failed`, the line tests/tests/browser.rs reads. The number that failed.
export async function runScenarios(tests, artifacts, prefix = "") {
  let passed = 0;
  let failed = 0;
  for (const [name, run] of tests) {
    current = undefined;
    try {
      const page = await run();
      if (page && page.violations.length) throw new Error(`CSP violations or dialogs: ${page.violations.join("; ")}`);
      passed++;
      console.log(`ok - ${name}`);
    } catch (error) {
      failed++;
      console.log(`FAILED - ${name}\n  ${error.stack || error}`);
      const target = current;
      if (target) for (const file of await keepEvidence(target, artifacts, `${prefix}${name}`)) console.log(`  kept ${file}`);
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed;
}
