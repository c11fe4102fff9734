/* chromium.mjs: the headless Debian Chromium of the page tests, with the
 * flags they all use. launch() gives a test file its browser: a connection
 * to the suite's one browser when suite.mjs runs the files (it names it in
 * CHAT_BROWSER_WS), else a browser of the file's own. */
import { chromium } from 'playwright-core';

/* Chromium features the tests turn off. Chromium keeps only the last
 * --disable-features it is given, so this one list replaces the one
 * playwright-core passes and names what the tests need of that too.
 * - WebUIOmniboxPopup, WebUIOmniboxAimPopup, WebUIOmniboxFullPopup: every
 *   new context (a window, in this headless mode) made two address-bar popup
 *   pages, each a renderer of its own, that no test sees: over a quarter of
 *   the page tests' CPU time went to them.
 * - AimEnabled, OptimizationHints, MediaRouter: background work for a
 *   user's browser (AI mode, hints, casting).
 * - HttpsUpgrades, HttpsFirstBalancedModeAutoEnable: the pages are served
 *   over http, and so are the foreign pages a test answers itself.
 * - PaintHolding: a page shows its first frame as soon as it has one.
 * - AvoidCorsURLLoaderRestartOnRedirect: a cross-origin redirect goes on
 *   while a test intercepts requests (a route).
 * - SpareRendererForSitePerProcess: Chromium starts a renderer ahead for the
 *   next page, but a spare is of one context and every test page is of a new
 *   one, so each was started for nothing: 20 pages in 20 contexts took 35 to
 *   37 renderers with it and 19 to 20 without. (The whole suite's renderer
 *   CPU time did not change beyond the noise: the spares were idle.) */
const DISABLED_FEATURES = ['WebUIOmniboxPopup', 'WebUIOmniboxAimPopup', 'WebUIOmniboxFullPopup', 'AimEnabled',
    'OptimizationHints', 'MediaRouter', 'HttpsUpgrades', 'HttpsFirstBalancedModeAutoEnable', 'PaintHolding',
    'AvoidCorsURLLoaderRestartOnRedirect', 'SpareRendererForSitePerProcess'];
/* --host-resolver-rules: no name resolves, so no request can leave the machine */
export const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    `--disable-features=${DISABLED_FEATURES.join(',')}`];

export const EXECUTABLE = process.env.CHROMIUM || '/usr/bin/chromium';

/* The suite's browser when there is one. A connection sees only the
 * contexts it made itself, and closing it closes them and leaves the
 * browser to the other files. */
export function launch() {
    const ws = process.env.CHAT_BROWSER_WS;
    return ws ? chromium.connect(ws) : chromium.launch({ executablePath: EXECUTABLE, args: ARGS });
}
