// A seeded source of choices for randomized tests: the same seed makes the same choices, so a
// failing run names its seed and the choices can be replayed (the timing still comes from the machine).

/** A linear congruential generator: `pick(n)` is an integer in [0, n). */
export function seededPicker(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return Math.floor((state / 0x80000000) * n);
  };
}

/**
 * The seed a randomized test uses: its own, or shifted by PGLOOM_CHAOS_SEED so that repeated runs
 * explore other choices (the test's name shows the seed it used, to replay it).
 */
export function chaosSeed(own: number): number {
  const shift = Number(process.env.PGLOOM_CHAOS_SEED ?? 0);
  return Number.isInteger(shift) ? own + shift * 1000 : own;
}
