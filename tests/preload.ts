// Loaded before every test module (deno test --preload): grammY plugins load grammY's Node
// build, whose fetch polyfill triggers Node's punycode deprecation warning on every run.
import process from "node:process";
(process as { noDeprecation?: boolean }).noDeprecation = true;
