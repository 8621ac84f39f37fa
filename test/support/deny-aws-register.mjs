/** `node --import ./test/support/deny-aws-register.mjs ...`: installs deny-aws-loader.mjs. */
import { register } from "node:module";

register("./deny-aws-loader.mjs", import.meta.url);
