// Drives the eegreason app in headless Chromium (Debian's, via playwright-core): load the page,
// upload a recording, load it, ask a question, wait for the streamed answer, save a screenshot.
// Usage: node upload_and_ask.mjs URL RECORDING SCREENSHOT.png
import { chromium } from "playwright-core";

const [url, recording, screenshot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-quic"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
  // Not "networkidle": Gradio keeps a live connection open, so the network never goes quiet.
  await page.goto(url, { waitUntil: "domcontentloaded", timeout: 60000 });
  const fileInput = page.locator('input[type="file"]').first();
  await fileInput.waitFor({ state: "attached", timeout: 60000 });
  await fileInput.setInputFiles(recording);
  await page.waitForTimeout(1500); // the upload completes before the load button reads it
  await page.getByRole("button", { name: "Load recording" }).first().click();
  await page.getByText("Signal quality", { exact: false }).first().waitFor({ timeout: 120000 });
  await page.getByLabel("Question").first().fill("What emotion is most likely?");
  await page.getByRole("button", { name: "Ask", exact: true }).first().click();
  const bot = page.locator('[data-testid="bot"]').last();
  await bot.waitFor({ timeout: 180000 });
  await page.waitForFunction(
    () => { const b = [...document.querySelectorAll('[data-testid="bot"]')].pop(); return b && b.innerText.trim().length > 3; },
    null, { timeout: 180000 });
  await page.waitForTimeout(2000); // let streaming settle before the picture
  const answer = (await bot.innerText()).trim();
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(JSON.stringify({ ok: true, answer }));
} finally {
  await browser.close();
}
