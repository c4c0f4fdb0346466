// vite.config.js - builds web/dist with relative asset paths so the C server can embed it
// and serve it at / (the app uses the hash router, so no server-side fallback is needed).
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

export default defineConfig({
  base: './',
  plugins: [vue()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The map and chart code is split into lazily loaded chunks; the login page does
    // not need them.
    chunkSizeWarningLimit: 700,
  },
  server: {
    // `npm run dev` talks to a local `grassroots serve --listen 127.0.0.1:8099`.
    proxy: { '/api': 'http://127.0.0.1:8099', '/healthz': 'http://127.0.0.1:8099' },
  },
});
