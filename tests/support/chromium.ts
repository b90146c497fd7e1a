// Headless Chromium for browser tests: Debian's package, launched with the flags this closed network
// needs (no background connections to Google). In CI a missing binary fails the launch, never a skip.
import * as fs from "node:fs";
import { chromium, type Browser } from "playwright-core";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

/** A skip reason when Chromium is missing locally; false in CI, where the launch must fail instead. */
export const chromiumSkipReason: string | false =
  !fs.existsSync(CHROMIUM_PATH) && process.env.CI !== "true"
    ? `Chromium not found at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`
    : false;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
