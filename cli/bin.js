#!/usr/bin/env node
// The `src` binary: runs the TypeScript CLI through tsx's loader, until a compiled build ships.
import { register } from "tsx/esm/api";

register();
await import("./src.ts");
