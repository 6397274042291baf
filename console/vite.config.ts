import { defineConfig } from "vite";

// Served under /console/ by the dev server and by CloudFront alike.
export default defineConfig({
  base: "/console/",
  build: { outDir: "dist", sourcemap: false },
});
