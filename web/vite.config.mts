import { fileURLToPath, URL } from 'node:url';
import { VantResolver } from '@vant/auto-import-resolver';
import vue from '@vitejs/plugin-vue';
import AutoImport from 'unplugin-auto-import/vite';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';
import Components from 'unplugin-vue-components/vite';
import { defineConfig, type Plugin } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * Vant's icon font names an alicdn.com copy after its inline one: the bureau's intranet has no CDN
 * (and the pages' CSP refuses it), so the remote source is dropped from the CSS.
 */
const CDN_FONT = /,\s*url\(["']?(?:https?:)?\/\/at\.alicdn\.com[^)]*\)\s*format\(["']?\w+["']?\)/g;
const noCdnFonts: Plugin = {
  name: 'fbd-no-cdn-fonts',
  enforce: 'post',
  generateBundle(_options, bundle) {
    for (const file of Object.values(bundle)) {
      if (file.type !== 'asset' || !file.fileName.endsWith('.css')) continue;
      const css = typeof file.source === 'string' ? file.source : new TextDecoder().decode(file.source);
      if (CDN_FONT.test(css)) file.source = css.replace(CDN_FONT, '');
    }
  },
};

// One Vite project, two entries: /m/ (Vant, WeCom's browser on a phone) and /console/ (Element Plus,
// the desk). Vant and Element Plus components (and their styles) are imported on demand, so the
// mobile first screen carries only what it uses. The Koa app serves dist/web (src/api/web/web-static.ts).
export default defineConfig({
  root: here('.'),
  base: '/',
  plugins: [
    noCdnFonts,
    vue(),
    AutoImport({
      resolvers: [VantResolver(), ElementPlusResolver()],
      dts: here('src/auto-imports.d.ts'),
    }),
    Components({
      resolvers: [VantResolver(), ElementPlusResolver()],
      dts: here('src/components.d.ts'),
      dirs: [],
    }),
  ],
  resolve: { alias: { '@': here('src') } },
  build: {
    outDir: here('../dist/web'),
    emptyOutDir: true,
    assetsDir: 'assets',
    // The bureau's phones are recent WeCom browsers; no legacy bundle.
    target: 'es2020',
    reportCompressedSize: false,
    rollupOptions: {
      input: { m: here('m/index.html'), console: here('console/index.html') },
    },
  },
  server: {
    // `npx vite --config web/vite.config.mts` during development: the API from `npm start` on :3000.
    proxy: { '/api': 'http://127.0.0.1:3000', '/wecom': 'http://127.0.0.1:3000' },
  },
});
