import { defineConfig } from "@playwright/test";

// The generated clients' journey (local/clients.sh): HTTP only, no browser.
export default defineConfig({
  testDir: ".",
  timeout: 60_000,
  workers: 1,
  reporter: [["list"]],
  outputDir: "../test-results/clients",
  use: { baseURL: process.env.API_BASE },
});
