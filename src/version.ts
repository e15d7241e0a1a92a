// The program's version, reported by `/health` and `soulbot --version`.
export const VERSION = "0.7.0";
