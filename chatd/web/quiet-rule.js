/* quiet-rule.js: quiet.js's rule of "quieter times" for the pages' modules.
 *
 * quiet.js itself stays a classic script: widget.js, which runs on other
 * organisations' sites, loads it from the chat host with a plain <script>
 * tag, and a module from another origin would need CORS headers chatd does
 * not send for files. Imported as a module it has no exports, but it sets
 * window.ChatQuiet; this file is the one place that reads it. */
import './quiet.js';

const { quietSet, quietTimes, quietText } = window.ChatQuiet;

export { quietSet, quietTimes, quietText };
