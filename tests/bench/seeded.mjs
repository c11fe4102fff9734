/* seeded.mjs: the seeded random numbers of the benchmark scripts
 * (federation_stats.mjs, overflow_sim.mjs), so a seed gives the same
 * numbers on every machine. */

/* mulberry32: a small seeded generator of numbers in [0, 1) */
export function rng(seed) {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}
