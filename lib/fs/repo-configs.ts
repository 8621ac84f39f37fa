/**
 * Repo configs on the fs backend: repos/id/<num id>/config.json holds {"json": "<the config as JSON
 * text>"} (kept as text so that keys ending in "At" are not revived as dates). A put is one atomic
 * overwrite, last writer wins, so it takes no lock. Missing file: the config is {}.
 */
import type * as M from "../model.ts";
import type { RepoConfigsStore } from "../stores.ts";
import * as v from "../validate.ts";
import type { FsCtx } from "./context.ts";
import { num } from "./names.ts";
import { toBytes } from "./json.ts";
import { checkConfig } from "../input/repo-configs.ts";

const configPath = (repoID: number) => `repos/id/${num(repoID)}/config.json`;

export function makeRepoConfigs(ctx: FsCtx): RepoConfigsStore {
  return new FsRepoConfigs(ctx);
}

export class FsRepoConfigs implements RepoConfigsStore {
  readonly #c: FsCtx;

  constructor(ctx: FsCtx) {
    this.#c = ctx;
  }

  async get(repoID: number): Promise<M.RepoConfig> {
    v.id("repoID", repoID);
    await this.#c.mustHaveRepo(repoID);
    const rec = await this.#c.readJson<{ json: string }>(configPath(repoID));
    return rec ? (JSON.parse(rec.json) as M.RepoConfig) : {};
  }

  async put(repoID: number, config: M.RepoConfig): Promise<void> {
    v.id("repoID", repoID);
    const json = checkConfig(config);
    await this.#c.mustHaveRepo(repoID);
    await this.#c.fs.writeFile(configPath(repoID), toBytes({ json }));
  }
}
